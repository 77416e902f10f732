/**
 * The stable byte encoding of what a `SessionStore` holds, so that every server of a fleet
 * (other processes, other machines, later releases) reads what one of them wrote:
 *
 * ```
 * byte 0      format version, 1
 * byte 1      kind: 0x12 a TLS 1.2 server session (session id cache), 0x13 a TLS 1.3 ticket state
 * bytes 2..   the body, in TLS presentation language (RFC 8446 §3):
 *   0x12: uint16 cipher_suite; opaque master_secret<48>; uint8 extended_master_secret;
 *         uint64 created_at_ms; opaque server_name<0..255>; opaque alpn<0..255>;
 *         ASN.1Cert peer_certificates<0..2^24-1> (each opaque <1..2^24-1>)
 *   0x13: uint16 cipher_suite; opaque psk<0..255>; uint32 ticket_age_add; uint32 lifetime_s;
 *         uint64 issued_at_ms; opaque alpn<0..255>; uint32 max_early_data_size
 * ```
 *
 * The bodies are the plaintexts of our stateless tickets. A value of another version or kind, or one
 * that does not parse, decodes to undefined (a full handshake), never to an error.
 * @module
 */
import { decodeTicketState, encodeTicketState, type TicketState } from './tickets.js';
import { decodeServerSession12, encodeServerSession12, type ServerSession12 } from './tls12/session.js';

/** The format version written in byte 0. */
export const SESSION_FORMAT_VERSION = 1;
const KIND_TLS12 = 0x12;
const KIND_TLS13 = 0x13;

function wrap(kind: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 + body.length);
  out[0] = SESSION_FORMAT_VERSION;
  out[1] = kind;
  out.set(body, 2);
  return out;
}

function body(kind: number, value: Uint8Array): Uint8Array | undefined {
  return value.length >= 2 && value[0] === SESSION_FORMAT_VERSION && value[1] === kind ? value.subarray(2) : undefined;
}

/** A TLS 1.2 session as a stored value. */
export function encodeStoredSession12(session: ServerSession12): Uint8Array {
  return wrap(KIND_TLS12, encodeServerSession12(session));
}

/** A stored TLS 1.2 session, or undefined for anything else. */
export function decodeStoredSession12(value: Uint8Array): ServerSession12 | undefined {
  const b = body(KIND_TLS12, value);
  return b === undefined ? undefined : decodeServerSession12(b);
}

/** A TLS 1.3 ticket state as a stored value. */
export function encodeStoredTicket13(state: TicketState): Uint8Array {
  return wrap(KIND_TLS13, encodeTicketState(state));
}

/** A stored TLS 1.3 ticket state, or undefined for anything else. */
export function decodeStoredTicket13(value: Uint8Array): TicketState | undefined {
  const b = body(KIND_TLS13, value);
  return b === undefined ? undefined : decodeTicketState(b);
}
