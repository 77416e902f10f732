/**
 * Typed bodies of the extensions TLS 1.3 uses (RFC 8446 §4.2, RFC 6066, RFC 7301, RFC 8449). Each
 * body has an `encode…` returning bytes for {@link Extensions.set} and a `decode…` that consumes the
 * whole body or throws DecodeError / TlsAlert. Bodies are version-neutral, so a TLS 1.2 engine can
 * reuse them.
 * @module
 */

import { Reader, Writer } from '@sslsocket/record';
import { TlsAlert } from '@sslsocket/suites';

function whole<T>(data: Uint8Array, read: (r: Reader) => T): T {
  const r = new Reader(data);
  const value = read(r);
  r.expectEnd('extension');
  return value;
}

function build(write: (w: Writer) => void): Uint8Array {
  const w = new Writer(64);
  write(w);
  return w.finish().slice();
}

function u16List(r: Reader, min: number): number[] {
  const sub = r.sub16(min);
  if (sub.remaining % 2 !== 0) throw new TlsAlert('decode_error', 'odd-length u16 list');
  const out: number[] = [];
  while (!sub.atEnd) out.push(sub.u16());
  return out;
}

function encodeU16List(values: readonly number[]): Uint8Array {
  return build((w) => {
    const h = w.begin16();
    for (const v of values) w.u16(v);
    w.end(h);
  });
}

// RFC 6066 §3: server_name. The server's acknowledgement is an empty body.
export function encodeServerName(hostName: string): Uint8Array {
  return build((w) => {
    const list = w.begin16();
    w.u8(0); // host_name
    w.vector16(new TextEncoder().encode(hostName));
    w.end(list);
  });
}

/** The longest DNS name, in octets (RFC 1035 §2.3.4). */
const MAX_HOST_NAME = 255;

/** The host_name in a ClientHello's server_name list (RFC 6066 §3: at most one of each type). */
export function decodeServerName(data: Uint8Array): string | undefined {
  return whole(data, (r) => {
    const list = r.sub16(1);
    let host: string | undefined;
    while (!list.atEnd) {
      const type = list.u8();
      const name = list.vector16(1);
      if (type !== 0) continue;
      if (host !== undefined) throw new TlsAlert('illegal_parameter', 'two host names in server_name');
      // A DNS name is at most 255 octets (RFC 1035 §2.3.4), so no certificate can match a longer
      // one: RFC 6066 §3's unrecognized_name, as OpenSSL (TLSEXT_MAXLEN_host_name) answers.
      if (name.length > MAX_HOST_NAME) {
        throw new TlsAlert('unrecognized_name', `host name of ${name.length} bytes (at most ${MAX_HOST_NAME})`);
      }
      // RFC 6066 §3: ASCII only, no trailing dot; NUL bytes are a sign of an attack.
      if (name.some((b) => b === 0 || b > 0x7e)) throw new TlsAlert('illegal_parameter', 'bad host name');
      host = new TextDecoder().decode(name);
    }
    return host;
  });
}

// RFC 8446 §4.2.7 supported_groups; §4.2.3 signature_algorithms(_cert).
export const encodeNamedGroupList = encodeU16List;
export function decodeNamedGroupList(data: Uint8Array): number[] {
  return whole(data, (r) => u16List(r, 2));
}
export const encodeSignatureSchemeList = encodeU16List;
export function decodeSignatureSchemeList(data: Uint8Array): number[] {
  return whole(data, (r) => u16List(r, 2));
}

// RFC 8446 §4.2.1 supported_versions: a list in the ClientHello, one value in the ServerHello.
export function encodeSupportedVersionsClient(versions: readonly number[]): Uint8Array {
  return build((w) => {
    const h = w.begin8();
    for (const v of versions) w.u16(v);
    w.end(h);
  });
}
export function decodeSupportedVersionsClient(data: Uint8Array): number[] {
  return whole(data, (r) => {
    const sub = r.sub8(2, 254);
    if (sub.remaining % 2 !== 0) throw new TlsAlert('decode_error', 'odd supported_versions');
    const out: number[] = [];
    while (!sub.atEnd) out.push(sub.u16());
    return out;
  });
}
export function encodeU16(value: number): Uint8Array {
  return build((w) => w.u16(value));
}
export function decodeU16(data: Uint8Array): number {
  return whole(data, (r) => r.u16());
}

/** RFC 8446 §4.2.8 KeyShareEntry. */
export interface KeyShareEntry {
  readonly group: number;
  readonly keyExchange: Uint8Array;
}

export function encodeKeyShareClient(entries: readonly KeyShareEntry[]): Uint8Array {
  return build((w) => {
    const h = w.begin16();
    for (const e of entries) w.u16(e.group).vector16(e.keyExchange);
    w.end(h);
  });
}
export function decodeKeyShareClient(data: Uint8Array): KeyShareEntry[] {
  return whole(data, (r) => {
    const list = r.sub16();
    const out: KeyShareEntry[] = [];
    while (!list.atEnd) {
      const group = list.u16();
      const keyExchange = list.vector16(1);
      // RFC 8446 §4.2.8: clients MUST NOT offer two shares for the same group.
      if (out.some((e) => e.group === group)) throw new TlsAlert('illegal_parameter', 'duplicate key share group');
      out.push({ group, keyExchange });
    }
    return out;
  });
}
export function encodeKeyShareServer(entry: KeyShareEntry): Uint8Array {
  return build((w) => w.u16(entry.group).vector16(entry.keyExchange));
}
export function decodeKeyShareServer(data: Uint8Array): KeyShareEntry {
  return whole(data, (r) => ({ group: r.u16(), keyExchange: r.vector16(1) }));
}

// RFC 8446 §4.2.9 psk_key_exchange_modes: 0 = psk_ke, 1 = psk_dhe_ke.
export function encodePskModes(modes: readonly number[]): Uint8Array {
  return build((w) => w.vector8(Uint8Array.from(modes)));
}
export function decodePskModes(data: Uint8Array): number[] {
  return whole(data, (r) => [...r.vector8(1)]);
}

/** RFC 8446 §4.2.11 PskIdentity. */
export interface PskIdentity {
  readonly identity: Uint8Array;
  readonly obfuscatedTicketAge: number;
}

export interface OfferedPsks {
  readonly identities: readonly PskIdentity[];
  readonly binders: readonly Uint8Array[];
}

export function encodeOfferedPsks(offer: OfferedPsks): Uint8Array {
  return build((w) => {
    const ids = w.begin16();
    for (const id of offer.identities) w.vector16(id.identity).u32(id.obfuscatedTicketAge);
    w.end(ids);
    const binders = w.begin16();
    for (const b of offer.binders) w.vector8(b);
    w.end(binders);
  });
}
export function decodeOfferedPsks(data: Uint8Array): OfferedPsks {
  return whole(data, (r) => {
    const idList = r.sub16(7);
    const identities: PskIdentity[] = [];
    while (!idList.atEnd) identities.push({ identity: idList.vector16(1), obfuscatedTicketAge: idList.u32() });
    const binderList = r.sub16(33);
    const binders: Uint8Array[] = [];
    while (!binderList.atEnd) binders.push(binderList.vector8(32));
    // RFC 8446 §4.2.11: one binder per identity.
    if (binders.length !== identities.length) throw new TlsAlert('illegal_parameter', 'PSK binder count mismatch');
    return { identities, binders };
  });
}
/** Length of the binders list on the wire (2-byte prefix included): the part not hashed for binders. */
export function bindersLength(binders: readonly Uint8Array[]): number {
  return 2 + binders.reduce((n, b) => n + 1 + b.length, 0);
}

// RFC 8446 §4.2.10 early_data: empty in ClientHello/EncryptedExtensions, max size in NewSessionTicket.
export function encodeU32(value: number): Uint8Array {
  return build((w) => w.u32(value));
}
export function decodeU32(data: Uint8Array): number {
  return whole(data, (r) => r.u32());
}
export function decodeEmpty(data: Uint8Array, what: string): void {
  if (data.length !== 0) throw new TlsAlert('decode_error', `${what} must be empty`);
}
/**
 * A flag extension (empty extension_data, e.g. RFC 7627 §5.1 extended_master_secret): whether it is
 * present; present with a body is decode_error.
 */
export function decodeFlag(data: Uint8Array | undefined, what: string): boolean {
  if (data === undefined) return false;
  decodeEmpty(data, what);
  return true;
}

// RFC 8446 §4.2.2 cookie.
export function encodeCookie(cookie: Uint8Array): Uint8Array {
  return build((w) => w.vector16(cookie));
}
export function decodeCookie(data: Uint8Array): Uint8Array {
  return whole(data, (r) => r.vector16(1));
}

// RFC 7301 §3.1 application_layer_protocol_negotiation.
export function encodeAlpn(protocols: readonly Uint8Array[]): Uint8Array {
  return build((w) => {
    const h = w.begin16();
    for (const p of protocols) w.vector8(p);
    w.end(h);
  });
}
export function decodeAlpn(data: Uint8Array): Uint8Array[] {
  return whole(data, (r) => {
    const list = r.sub16(2);
    const out: Uint8Array[] = [];
    while (!list.atEnd) out.push(list.vector8(1));
    return out;
  });
}

/** RFC 8449 §4: values below 64 are illegal_parameter. */
export function decodeRecordSizeLimit(data: Uint8Array): number {
  const limit = decodeU16(data);
  if (limit < 64) throw new TlsAlert('illegal_parameter', `record_size_limit ${limit} < 64`);
  return limit;
}

// RFC 8446 §4.2.4 certificate_authorities: DistinguishedName authorities<3..2^16-1>.
export function encodeCertificateAuthorities(names: readonly Uint8Array[]): Uint8Array {
  return build((w) => {
    const h = w.begin16();
    for (const n of names) w.vector16(n);
    w.end(h);
  });
}
export function decodeCertificateAuthorities(data: Uint8Array): Uint8Array[] {
  return whole(data, (r) => {
    const list = r.sub16(3);
    const out: Uint8Array[] = [];
    while (!list.atEnd) out.push(list.vector16(1));
    return out;
  });
}

// RFC 6066 §8 status_request (OCSP): the client's request; RFC 8446 §4.4.2.1 puts the response in
// the leaf CertificateEntry as a CertificateStatus.
export function encodeStatusRequest(): Uint8Array {
  return build((w) => w.u8(1).u16(0).u16(0));
}
export function encodeCertificateStatus(ocspResponse: Uint8Array): Uint8Array {
  return build((w) => w.u8(1).vector24(ocspResponse));
}
export function decodeCertificateStatus(data: Uint8Array): Uint8Array {
  return whole(data, (r) => {
    if (r.u8() !== 1) throw new TlsAlert('illegal_parameter', 'unknown certificate status type');
    return r.vector24(1);
  });
}
