/**
 * `-sess_out` / `-sess_in` files in OpenSSL's format, so sessions move between our s_client and
 * OpenSSL's: PEM `SSL SESSION PARAMETERS` around the DER of OpenSSL's SSL_SESSION ASN.1 structure
 * (ssl/ssl_asn1.c). Fields, as OpenSSL 3 writes them:
 *
 *   SEQUENCE { version INTEGER (1), sslVersion INTEGER (0x0303 | 0x0304), cipher OCTET STRING (2),
 *              sessionId OCTET STRING, masterKey OCTET STRING (TLS 1.3: the resumption PSK),
 *              [1] time INTEGER (s), [2] timeout INTEGER (s), [3] peer Certificate,
 *              [4] sessionIdContext OCTET STRING, [6] hostName OCTET STRING,
 *              [9] ticketLifetimeHint INTEGER, [10] ticket OCTET STRING, [13] flags INTEGER
 *              (1 = extended master secret), [14] ticketAgeAdd INTEGER, [15] maxEarlyData INTEGER,
 *              [16] alpnSelected OCTET STRING, ... }   -- every [n] EXPLICIT and OPTIONAL
 *
 * Fields we do not use (key_arg, verify_result, PSK identities, SRP, max_fragment_len, app data,
 * kex_group) are skipped when reading and not written.
 */
import { randomBytes } from 'node:crypto';
import { decodePem, encodePem } from '@sslsocket/pkix';
import * as asn1js from 'asn1js';
import type { SslSocket } from 'sslsocket';
import { contentBytes, elements, parseDer } from '../x509/name.js';

/** A session our client can resume (what `socket.savedSessions` holds). */
export type SavedSession = SslSocket['savedSessions'][number];
type Session12 = Extract<SavedSession, { version: 'tlsv1.2' }>;
type Session13 = Exclude<SavedSession, Session12>;

const PEM_LABEL = 'SSL SESSION PARAMETERS';
const TLS12 = 0x0303;
const TLS13 = 0x0304;
/** SSL_SESSION flags bit for RFC 7627 extended master secret (SSL_SESS_FLAG_EXTMS). */
const FLAG_EXTMS = 1;

const octets = (bytes: Uint8Array): asn1js.OctetString =>
  new asn1js.OctetString({ valueHex: bytes.slice().buffer as ArrayBuffer });
const integer = (value: number): asn1js.Integer => new asn1js.Integer({ value });
/** `[tag] EXPLICIT inner`, as OpenSSL's ASN1_EXP_OPT writes it. */
const explicit = (tag: number, inner: asn1js.AsnType): asn1js.Constructed =>
  new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: tag }, value: [inner] });
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/**
 * A session as an OpenSSL-readable PEM file. `peer` is the server's leaf certificate (DER), kept
 * in the file as OpenSSL keeps it.
 */
export function encodeSessionFile(session: SavedSession, peer: Uint8Array | undefined): string {
  const tls12 = session.version === 'tlsv1.2';
  const s12 = session as Session12;
  const s13 = session as Session13;
  const fields: asn1js.AsnType[] = [
    integer(1),
    integer(tls12 ? TLS12 : TLS13),
    octets(new Uint8Array([session.cipherSuite >> 8, session.cipherSuite & 0xff])),
    octets(sessionIdFor(session)),
    octets(tls12 ? s12.masterSecret : s13.psk),
    explicit(1, integer(Math.floor(session.receivedAt / 1000))),
    explicit(2, integer(session.lifetime)),
  ];
  if (peer !== undefined) fields.push(explicit(3, parseDer(peer, 'certificate')));
  fields.push(explicit(4, octets(new Uint8Array())));
  if (session.serverName !== undefined) fields.push(explicit(6, octets(utf8(session.serverName))));
  const ticket = tls12 ? s12.ticket : s13.ticket;
  if (ticket !== undefined && ticket.length > 0) {
    fields.push(explicit(9, integer(session.lifetime)), explicit(10, octets(ticket)));
  }
  if (tls12 && s12.extendedMasterSecret) fields.push(explicit(13, integer(FLAG_EXTMS)));
  if (!tls12) {
    // ticket_age_add is a uint32 (RFC 8446 §4.6.1): encode it unsigned.
    fields.push(explicit(14, new asn1js.Integer({ valueHex: uint32(s13.ticketAgeAdd) })));
    if (s13.maxEarlyDataSize > 0) fields.push(explicit(15, integer(s13.maxEarlyDataSize)));
  }
  if (session.alpn !== undefined) fields.push(explicit(16, octets(utf8(session.alpn))));
  const der = new Uint8Array(new asn1js.Sequence({ value: fields }).toBER());
  return encodePem(PEM_LABEL, der);
}

/**
 * The session id to store. TLS 1.3 has none; OpenSSL keeps a random one. A TLS 1.2 session that
 * the server gave only a ticket gets a random one too: RFC 5077 §3.4 has the client send a session
 * id with the ticket so the server's echo shows resumption, and OpenSSL's client relies on it.
 */
function sessionIdFor(session: SavedSession): Uint8Array {
  if (session.version === 'tlsv1.2' && session.sessionId.length > 0) return session.sessionId;
  return new Uint8Array(randomBytes(32));
}

/** A uint32 as a non-negative DER INTEGER's content (a leading zero when the top bit is set). */
function uint32(value: number): ArrayBuffer {
  const bytes = [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
  while (bytes.length > 1 && bytes[0] === 0 && ((bytes[1] as number) & 0x80) === 0) bytes.shift();
  if (((bytes[0] as number) & 0x80) !== 0) bytes.unshift(0);
  return new Uint8Array(bytes).buffer;
}

/** An unsigned INTEGER's value (up to 2^53). */
function unsigned(node: asn1js.AsnType | undefined, what: string): number {
  if (!(node instanceof asn1js.Integer)) throw new Error(`${what} is not an INTEGER`);
  return contentBytes(node).reduce((acc, byte) => acc * 256 + byte, 0);
}

function octetsOf(node: asn1js.AsnType | undefined, what: string): Uint8Array {
  if (!(node instanceof asn1js.OctetString)) throw new Error(`${what} is not an OCTET STRING`);
  return contentBytes(node);
}

/**
 * Reads a session file written by OpenSSL (`openssl s_client -sess_out`) or by us. Throws an
 * Error saying what is wrong: no `SSL SESSION PARAMETERS` block, a malformed structure, or a
 * protocol version other than TLS 1.2 and 1.3.
 */
export function decodeSessionFile(text: string): SavedSession {
  const block = decodePem(text).find((candidate) => candidate.label === PEM_LABEL);
  if (block === undefined) throw new Error(`no -----BEGIN ${PEM_LABEL}----- block`);
  const [version, protocol, cipher, sessionId, masterKey, ...rest] = elements(parseDer(block.der, 'SSL_SESSION'));
  if (unsigned(version, 'version') !== 1) throw new Error('unsupported SSL_SESSION version');
  const ssl = unsigned(protocol, 'ssl_version');
  const cipherBytes = octetsOf(cipher, 'cipher');
  if (cipherBytes.length !== 2) throw new Error('cipher is not two bytes');
  const tagged = new Map<number, asn1js.AsnType>();
  for (const node of rest) {
    if (node.idBlock.tagClass === 3) {
      const [inner] = elements(node);
      if (inner !== undefined) tagged.set(node.idBlock.tagNumber, inner);
    }
  }
  const text8 = (tag: number): string | undefined => {
    const node = tagged.get(tag);
    return node === undefined ? undefined : new TextDecoder().decode(octetsOf(node, `[${tag}]`));
  };
  const number = (tag: number): number | undefined => {
    const node = tagged.get(tag);
    return node === undefined ? undefined : unsigned(node, `[${tag}]`);
  };
  const cipherSuite = ((cipherBytes[0] as number) << 8) | (cipherBytes[1] as number);
  const receivedAt = (number(1) ?? Math.floor(Date.now() / 1000)) * 1000;
  const ticketNode = tagged.get(10);
  const ticket = ticketNode === undefined ? undefined : octetsOf(ticketNode, '[10] ticket');
  const lifetime = number(9) ?? number(2) ?? 7200;
  const common = { cipherSuite, receivedAt, lifetime, serverName: text8(6), alpn: text8(16) };
  if (ssl === TLS13) {
    if (ticket === undefined) throw new Error('a TLS 1.3 session needs a ticket ([10])');
    return {
      ...common,
      version: 'tlsv1.3',
      psk: octetsOf(masterKey, 'master_key'),
      ticket,
      ticketAgeAdd: number(14) ?? 0,
      maxEarlyDataSize: number(15) ?? 0,
    } satisfies Session13;
  }
  if (ssl === TLS12) {
    const peer = tagged.get(3);
    return {
      ...common,
      version: 'tlsv1.2',
      sessionId: octetsOf(sessionId, 'session_id'),
      ticket,
      masterSecret: octetsOf(masterKey, 'master_key'),
      extendedMasterSecret: ((number(13) ?? 0) & FLAG_EXTMS) !== 0,
      peerCertificates: peer === undefined ? [] : [new Uint8Array(peer.toBER())],
    } satisfies Session12;
  }
  throw new Error(`unsupported protocol version 0x${ssl.toString(16)} (TLS 1.2 and 1.3 only)`);
}
