/**
 * RFC 7250 raw public keys in TLS 1.3: the `client_certificate_type` (19) and
 * `server_certificate_type` (20) extensions, and the RawPublicKey Certificate entry (RFC 8446
 * §4.4.2: one CertificateEntry whose cert_data is a DER SubjectPublicKeyInfo).
 * @module
 */
import { Reader, Writer } from '@sslsocket/record';
import { isPromiseLike, type MaybePromise, type PublicKey, TlsAlert } from '@sslsocket/suites';
import type { CertificateType, CertifiedKey, ConnectionConfig, VerifyContext } from './config.js';
import type { Extensions } from './messages/extensions.js';
import { ExtensionType } from './messages/extensions.js';
import { publicKeyFromSpki, spkiFromCertificate } from './spki.js';

/** RFC 7250 §3 / IANA TLS Certificate Types: X.509 is 0, RawPublicKey is 2. */
const CODES: Readonly<Record<CertificateType, number>> = { x509: 0, raw_public_key: 2 };

/** The certificate type of each side's Certificate message. */
export interface NegotiatedCertificateTypes {
  readonly server: CertificateType;
  readonly client: CertificateType;
}

/** Without the extensions, both sides use X.509 (RFC 7250 §4.2). */
export const X509_BOTH: NegotiatedCertificateTypes = { server: 'x509', client: 'x509' };

function nameOf(code: number): CertificateType | undefined {
  return code === 0 ? 'x509' : code === 2 ? 'raw_public_key' : undefined;
}

/** A ClientHello list: `CertificateType types<1..2^8-1>` (RFC 7250 §3). */
function encodeList(types: readonly CertificateType[]): Uint8Array {
  const w = new Writer(8);
  w.vector8(Uint8Array.from(types.map((t) => CODES[t])));
  return w.finish();
}

function decodeList(data: Uint8Array): number[] {
  const r = new Reader(data);
  const list = [...r.vector8(1)];
  r.expectEnd('certificate type list');
  return list;
}

/** A server's answer: exactly one CertificateType byte (RFC 7250 §3). */
function decodeOne(data: Uint8Array): number {
  if (data.length !== 1) throw new TlsAlert('decode_error', 'certificate type answer is not one byte');
  return data[0] as number;
}

/** Whether a configured list asks for anything but plain X.509 (only then is the extension sent). */
function nonDefault(types: readonly CertificateType[] | undefined): types is readonly CertificateType[] {
  return types !== undefined && types.length > 0 && !(types.length === 1 && types[0] === 'x509');
}

/**
 * Client: offers `server_certificate_type` (the types we accept for the server's key) and
 * `client_certificate_type` (the types we can present, RawPublicKey only with `rawPublicKey`).
 * TLS 1.3 only: the extensions go out only when a ClientHello offers TLS 1.3.
 */
export function offerCertificateTypes(config: ConnectionConfig, exts: Extensions): void {
  if (nonDefault(config.serverCertificateTypes)) {
    exts.set(ExtensionType.server_certificate_type, encodeList(config.serverCertificateTypes));
  }
  const own = (config.clientCertificateTypes ?? []).filter(
    (t) => t !== 'raw_public_key' || config.rawPublicKey !== undefined,
  );
  if (nonDefault(own)) exts.set(ExtensionType.client_certificate_type, encodeList(own));
}

/**
 * Client: the types the server chose in EncryptedExtensions. Each must be one we offered (RFC 7250
 * §4.2; an unsolicited extension was refused before); absent means X.509.
 */
export function acceptCertificateTypes(config: ConnectionConfig, ee: Extensions): NegotiatedCertificateTypes {
  const pick = (type: number, offered: readonly CertificateType[] | undefined): CertificateType => {
    const data = ee.get(type);
    if (data === undefined) return 'x509';
    const chosen = nameOf(decodeOne(data));
    if (chosen === undefined || !(offered ?? ['x509']).includes(chosen)) {
      throw new TlsAlert('illegal_parameter', `server chose certificate type ${data[0]} we did not offer`);
    }
    return chosen;
  };
  return {
    server: pick(ExtensionType.server_certificate_type, config.serverCertificateTypes),
    client: pick(ExtensionType.client_certificate_type, config.clientCertificateTypes),
  };
}

/**
 * Server: the types for this handshake from the ClientHello (RFC 7250 §4.2: the server chooses
 * from the client's list). Ours is the first of our list, in our preference order, that the client
 * listed and we hold a key for; none is unsupported_certificate. The client's is the first of our
 * accepted types the client listed, X.509 when none (we then omit the extension).
 */
export function selectCertificateTypes(config: ConnectionConfig, ch: Extensions): NegotiatedCertificateTypes {
  let server: CertificateType = 'x509';
  const serverList = ch.get(ExtensionType.server_certificate_type);
  if (serverList !== undefined) {
    const ours = (config.serverCertificateTypes ?? ['x509']).filter(
      (t) => t !== 'raw_public_key' || config.rawPublicKey !== undefined,
    );
    const offered = decodeList(serverList);
    const chosen = ours.find((t) => offered.includes(CODES[t]));
    if (chosen === undefined) {
      throw new TlsAlert('unsupported_certificate', 'no server certificate type in common with the client');
    }
    server = chosen;
  }
  let client: CertificateType = 'x509';
  const clientList = ch.get(ExtensionType.client_certificate_type);
  if (clientList !== undefined && config.verifyPeer === true) {
    const offered = decodeList(clientList);
    client = (config.clientCertificateTypes ?? ['x509']).find((t) => offered.includes(CODES[t])) ?? 'x509';
  }
  return { server, client };
}

/**
 * Server: the EncryptedExtensions answers. `server_certificate_type` when the client sent the
 * extension; `client_certificate_type` only with a CertificateRequest and a type in common
 * (RFC 7250 §4.2: otherwise it is omitted and the client uses X.509).
 */
export function echoCertificateTypes(
  types: NegotiatedCertificateTypes,
  ch: Extensions,
  ee: Extensions,
  requestingCertificate: boolean,
): void {
  if (ch.has(ExtensionType.server_certificate_type)) {
    ee.set(ExtensionType.server_certificate_type, Uint8Array.of(CODES[types.server]));
  }
  if (requestingCertificate && ch.has(ExtensionType.client_certificate_type)) {
    const offered = decodeList(ch.get(ExtensionType.client_certificate_type) as Uint8Array);
    if (offered.includes(CODES[types.client])) {
      ee.set(ExtensionType.client_certificate_type, Uint8Array.of(CODES[types.client]));
    }
  }
}

/** Our credential when RawPublicKey was chosen: the SPKI as the one "certificate" and our key. */
export function rawPublicKeyCredential(config: ConnectionConfig): CertifiedKey {
  if (config.rawPublicKey === undefined || config.privateKey === undefined) {
    throw new TlsAlert('unsupported_certificate', 'no raw public key configured');
  }
  return { certificateChain: [config.rawPublicKey], privateKey: config.privateKey };
}

/** The content of a DER SEQUENCE (the SubjectPublicKeyInfo's fields), checking it spans `der`. */
function sequenceContent(der: Uint8Array): Uint8Array {
  if (der[0] !== 0x30 || der.length < 2) throw new RangeError('not a SEQUENCE');
  let length = der[1] as number;
  let at = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 3) throw new RangeError('bad DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[at + i] ?? 0);
    at += count;
  }
  if (at + length !== der.length) throw new RangeError('DER length does not match');
  return der.subarray(at);
}

/**
 * The whole DER SubjectPublicKeyInfo of a DER X.509 certificate: the raw public key that speaks
 * for the same key pair (RFC 7250 §3).
 *
 * @example
 * const rawPublicKey = certificateSpki(leafDer); // 30 59 30 13 06 07 2a 86 48 ce 3d 02 01 ...
 */
export function certificateSpki(der: Uint8Array): Uint8Array {
  const content = spkiFromCertificate(der);
  const n = content.length;
  const header = n < 0x80 ? [0x30, n] : n < 0x100 ? [0x30, 0x81, n] : [0x30, 0x82, n >> 8, n & 0xff];
  const out = new Uint8Array(header.length + n);
  out.set(header);
  out.set(content, header.length);
  return out;
}

/**
 * The provider key of a DER SubjectPublicKeyInfo; an unreadable one is bad_certificate.
 *
 * @example
 * rawPublicKeyOf(spkiDer); // { kind: 'ec', curve: 'P-256', point: Uint8Array(65) }
 */
export function rawPublicKeyOf(spki: Uint8Array): PublicKey {
  try {
    return publicKeyFromSpki(sequenceContent(spki));
  } catch (e) {
    throw new TlsAlert('bad_certificate', 'the raw public key is not a SubjectPublicKeyInfo we can use', { cause: e });
  }
}

/**
 * Verifies the peer's RawPublicKey Certificate (RFC 8446 §4.4.2: exactly one entry, an SPKI) with
 * `config.verifyRawPublicKey`; without that hook only a client with `verifyPeer: false` accepts
 * any key. No host name applies to a bare key (RFC 7250 §6). A refusal is bad_certificate unless
 * the hook names another alert.
 */
export function verifyPeerRawPublicKey(
  config: ConnectionConfig,
  entries: readonly Uint8Array[],
  ctx: VerifyContext,
  toAlert: (error: unknown) => TlsAlert,
): MaybePromise<PublicKey> {
  if (entries.length !== 1) throw new TlsAlert('decode_error', 'a RawPublicKey Certificate holds exactly one entry');
  const spki = entries[0] as Uint8Array;
  const key = rawPublicKeyOf(spki);
  const hook = config.verifyRawPublicKey;
  if (hook === undefined) {
    if (ctx.role === 'client' && config.verifyPeer === false) return key;
    throw new TlsAlert('bad_certificate', 'no verifyRawPublicKey hook to trust a raw public key');
  }
  const accept = (ok: boolean): PublicKey => {
    if (!ok) throw new TlsAlert('bad_certificate', 'the raw public key is not one we trust');
    return key;
  };
  try {
    const verdict = hook(spki, ctx);
    return isPromiseLike(verdict)
      ? verdict.then(accept, (e: unknown) => {
          throw toAlert(e);
        })
      : accept(verdict);
  } catch (e) {
    throw e instanceof TlsAlert ? e : toAlert(e);
  }
}
