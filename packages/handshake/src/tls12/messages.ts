/**
 * TLS 1.2 handshake message bodies that differ from TLS 1.3 (RFC 5246 §7.4, RFC 8422 §5.4,
 * RFC 4279 §2-§4, RFC 5077 §3.3, RFC 6066 §8): Certificate without per-entry extensions, the
 * 1.2 CertificateRequest, ServerKeyExchange / ClientKeyExchange parameter blocks, NewSessionTicket
 * and CertificateStatus.
 * @module
 */
import { type Reader, Writer } from '@sslsocket/record';
import { TlsAlert } from '@sslsocket/suites';

/** RFC 5246 §7.4.2: a plain list of DER certificates, leaf first. */
export class Certificate12 {
  constructor(public chain: Uint8Array[]) {}

  encode(w: Writer): void {
    const list = w.begin24();
    for (const der of this.chain) w.vector24(der);
    w.end(list);
  }

  static decode(r: Reader): Certificate12 {
    const list = r.sub24();
    const chain: Uint8Array[] = [];
    while (!list.atEnd) chain.push(list.vector24(1).slice());
    r.expectEnd('Certificate');
    return new Certificate12(chain);
  }
}

/** RFC 5246 §7.4.4 ClientCertificateType values. */
export const ClientCertificateType = { rsa_sign: 1, ecdsa_sign: 64 } as const;

/** RFC 5246 §7.4.4 CertificateRequest. */
export class CertificateRequest12 {
  constructor(
    public certificateTypes: number[],
    public signatureAlgorithms: number[],
    /** DER-encoded distinguished names. */
    public certificateAuthorities: Uint8Array[],
  ) {}

  encode(w: Writer): void {
    w.vector8(Uint8Array.from(this.certificateTypes));
    const algs = w.begin16();
    for (const a of this.signatureAlgorithms) w.u16(a);
    w.end(algs);
    const cas = w.begin16();
    for (const name of this.certificateAuthorities) w.vector16(name);
    w.end(cas);
  }

  static decode(r: Reader): CertificateRequest12 {
    const types = [...r.vector8(1)];
    const algList = r.sub16(2);
    if (algList.remaining % 2 !== 0) throw new TlsAlert('decode_error', 'odd supported_signature_algorithms');
    const algs: number[] = [];
    while (!algList.atEnd) algs.push(algList.u16());
    const caList = r.sub16();
    const cas: Uint8Array[] = [];
    while (!caList.atEnd) cas.push(caList.vector16(1).slice());
    r.expectEnd('CertificateRequest');
    return new CertificateRequest12(types, algs, cas);
  }
}

/** RFC 8422 §5.4 ECParameters with curve_type named_curve, and the ephemeral point. */
export interface EcdheParams {
  readonly kind: 'ecdhe';
  readonly group: number;
  readonly publicKey: Uint8Array;
}

/** RFC 5246 §7.4.3 ServerDHParams. */
export interface DheParams {
  readonly kind: 'dhe';
  readonly p: Uint8Array;
  readonly g: Uint8Array;
  readonly publicKey: Uint8Array;
}

export type KeyExchangeParams = EcdheParams | DheParams;

const NAMED_CURVE = 3;

/** Writes ServerECDHParams / ServerDHParams. */
export function encodeParams(w: Writer, params: KeyExchangeParams): void {
  if (params.kind === 'ecdhe') {
    w.u8(NAMED_CURVE).u16(params.group).vector8(params.publicKey);
  } else {
    w.vector16(params.p).vector16(params.g).vector16(params.publicKey);
  }
}

/** Reads ServerECDHParams / ServerDHParams (which one the suite's key exchange decides). */
export function decodeParams(r: Reader, kind: 'ecdhe' | 'dhe'): KeyExchangeParams {
  if (kind === 'ecdhe') {
    const curveType = r.u8();
    // RFC 8422 §5.4: explicit curves are deprecated; only named_curve is allowed.
    if (curveType !== NAMED_CURVE) throw new TlsAlert('illegal_parameter', `ECParameters curve_type ${curveType}`);
    const group = r.u16();
    const publicKey = r.vector8(1).slice();
    return { kind, group, publicKey };
  }
  const p = r.vector16(1).slice();
  const g = r.vector16(1).slice();
  const publicKey = r.vector16(1).slice();
  return { kind, p, g, publicKey };
}

/** The bytes of the params block, as signed in ServerKeyExchange. */
export function paramsBytes(params: KeyExchangeParams): Uint8Array {
  const w = new Writer(params.kind === 'dhe' ? 1100 : 140);
  encodeParams(w, params);
  return w.finish().slice();
}

/**
 * RFC 5246 §7.4.3 / RFC 4279 §2 ServerKeyExchange: an optional PSK identity hint, optional
 * (EC)DHE parameters, and a signature for the signed key exchanges.
 */
export interface ServerKeyExchange {
  readonly identityHint: Uint8Array | undefined;
  readonly params: KeyExchangeParams | undefined;
  /** The exact bytes of the params block (what the signature covers). */
  readonly paramsRaw: Uint8Array;
  readonly signatureScheme: number | undefined;
  readonly signature: Uint8Array | undefined;
}

/** What a suite's ServerKeyExchange contains. */
export interface KeyExchangeShape {
  readonly hint: boolean;
  readonly params: 'ecdhe' | 'dhe' | undefined;
  readonly signed: boolean;
}

export function encodeServerKeyExchange(ske: ServerKeyExchange, shape: KeyExchangeShape): Uint8Array {
  const w = new Writer(ske.paramsRaw.length + 600);
  if (shape.hint) w.vector16(ske.identityHint ?? new Uint8Array(0));
  w.bytes(ske.paramsRaw);
  if (shape.signed) {
    w.u16(ske.signatureScheme as number);
    w.vector16(ske.signature as Uint8Array);
  }
  return w.finish().slice();
}

export function decodeServerKeyExchange(r: Reader, shape: KeyExchangeShape): ServerKeyExchange {
  const identityHint = shape.hint ? r.vector16().slice() : undefined;
  const params = shape.params === undefined ? undefined : decodeParams(r, shape.params);
  // The encoding is canonical, so re-encoding gives back exactly the bytes that were signed.
  const paramsRaw = params === undefined ? new Uint8Array(0) : paramsBytes(params);
  let signatureScheme: number | undefined;
  let signature: Uint8Array | undefined;
  if (shape.signed) {
    signatureScheme = r.u16();
    signature = r.vector16(1).slice();
  }
  r.expectEnd('ServerKeyExchange');
  return { identityHint, params, paramsRaw, signatureScheme, signature };
}

/**
 * RFC 5246 §7.4.7 / RFC 4279 / RFC 8422 §5.7 ClientKeyExchange: an optional PSK identity, then the
 * encrypted premaster (RSA, vector16), the DH public value (vector16) or the ECDH point (vector8).
 */
export interface ClientKeyExchange {
  readonly identity: Uint8Array | undefined;
  readonly exchange: Uint8Array;
}

export type ClientExchangeForm = 'rsa' | 'dhe' | 'ecdhe' | 'none';

export function encodeClientKeyExchange(cke: ClientKeyExchange, psk: boolean, form: ClientExchangeForm): Uint8Array {
  const w = new Writer(cke.exchange.length + 64);
  if (psk) w.vector16(cke.identity ?? new Uint8Array(0));
  if (form === 'ecdhe') w.vector8(cke.exchange);
  else if (form !== 'none') w.vector16(cke.exchange);
  return w.finish().slice();
}

export function decodeClientKeyExchange(r: Reader, psk: boolean, form: ClientExchangeForm): ClientKeyExchange {
  const identity = psk ? r.vector16(0, 0xffff).slice() : undefined;
  let exchange = new Uint8Array(0);
  if (form === 'ecdhe') exchange = r.vector8(1).slice();
  else if (form !== 'none') exchange = r.vector16(1).slice();
  r.expectEnd('ClientKeyExchange');
  return { identity, exchange };
}

/** RFC 5077 §3.3 NewSessionTicket (TLS 1.2 form). */
export class NewSessionTicket12 {
  constructor(
    public lifetimeHint: number,
    public ticket: Uint8Array,
  ) {}

  encode(w: Writer): void {
    w.u32(this.lifetimeHint).vector16(this.ticket);
  }

  static decode(r: Reader): NewSessionTicket12 {
    const lifetimeHint = r.u32();
    const ticket = r.vector16().slice();
    r.expectEnd('NewSessionTicket');
    return new NewSessionTicket12(lifetimeHint, ticket);
  }
}

/** RFC 6066 §8 CertificateStatus with status_type ocsp(1). */
export class CertificateStatus12 {
  constructor(public ocspResponse: Uint8Array) {}

  encode(w: Writer): void {
    w.u8(1).vector24(this.ocspResponse);
  }

  static decode(r: Reader): CertificateStatus12 {
    const type = r.u8();
    if (type !== 1) throw new TlsAlert('decode_error', `CertificateStatus type ${type}`);
    const response = r.vector24(1).slice();
    r.expectEnd('CertificateStatus');
    return new CertificateStatus12(response);
  }
}
