/**
 * Stateless TLS 1.3 session tickets (RFC 8446 §4.6.1, RFC 5077 §4 design): the server seals the
 * resumption state under a ticket key with AES-GCM. Keys rotate: the first key seals, every key
 * opens, so old tickets stay valid for one rotation.
 * @module
 */

import { Reader, Writer } from '@sslsocket/record';
import { type AeadKey, type CryptoProvider, isPromiseLike, type MaybePromise } from '@sslsocket/suites';

/** What a ticket carries. */
export interface TicketState {
  readonly cipherSuite: number;
  readonly psk: Uint8Array;
  readonly ticketAgeAdd: number;
  readonly lifetime: number;
  /** Issue time, ms since the epoch of config.clock. */
  readonly issuedAt: number;
  readonly alpn: string;
  readonly maxEarlyDataSize: number;
}

/**
 * The server's ticket store (`ConnectionConfig.ticketStore`), used instead of ticket keys: `seal`
 * returns the ticket bytes for a state, `open` finds the state again (undefined: unknown ticket).
 * Either may answer with a Promise; the handshake then waits.
 */
export interface TicketStore {
  seal(state: TicketState): MaybePromise<Uint8Array>;
  open(ticket: Uint8Array): MaybePromise<TicketState | undefined>;
}

const NONCE_LENGTH = 12;

/** AES-GCM under a ticket key: 16 bytes AES-128, 32 AES-256; a longer secret is hashed to 32 bytes. */
function aeadFor(provider: CryptoProvider, key: Uint8Array): AeadKey {
  const k = key.length > 32 ? provider.digest('SHA-256', key) : key;
  return provider.aead(k.length === 16 ? 'AES-128-GCM' : 'AES-256-GCM', k);
}

/**
 * Seals `plain` under a ticket key: nonce (12) || AES-GCM(plain) || tag. `aad` separates ticket
 * formats, so a TLS 1.2 ticket never opens as a TLS 1.3 one. A Promise only with an async AEAD.
 */
export function sealWithTicketKey(
  provider: CryptoProvider,
  key: Uint8Array,
  nonce: Uint8Array,
  plain: Uint8Array,
  aad: Uint8Array,
): MaybePromise<Uint8Array> {
  const aead = aeadFor(provider, key);
  const out = new Uint8Array(NONCE_LENGTH + plain.length + aead.tagLength);
  out.set(nonce.subarray(0, NONCE_LENGTH));
  out.set(plain, NONCE_LENGTH);
  const sealed = aead.seal(out.subarray(0, NONCE_LENGTH), aad, out, NONCE_LENGTH, plain.length);
  return isPromiseLike(sealed) ? sealed.then(() => out) : out;
}

/** Opens a sealed ticket with any of `keys` (tried in order): the plaintext, or undefined. */
export function openWithTicketKeys(
  provider: CryptoProvider,
  keys: readonly Uint8Array[],
  ticket: Uint8Array,
  aad: Uint8Array,
  from = 0,
): MaybePromise<Uint8Array | undefined> {
  const key = keys[from];
  if (key === undefined || ticket.length < NONCE_LENGTH + 16 + 2) return undefined;
  const aead = aeadFor(provider, key);
  const buffer = ticket.slice();
  const opened = aead.open(buffer.subarray(0, NONCE_LENGTH), aad, buffer, NONCE_LENGTH, buffer.length - NONCE_LENGTH);
  const next = (ok: boolean): MaybePromise<Uint8Array | undefined> =>
    ok
      ? buffer.subarray(NONCE_LENGTH, buffer.length - aead.tagLength)
      : openWithTicketKeys(provider, keys, ticket, aad, from + 1);
  return isPromiseLike(opened) ? opened.then(next) : next(opened);
}

const NO_AAD = new Uint8Array(0);

/** The ticket state's bytes: the plaintext of a stateless ticket and the body of a stored one. */
export function encodeTicketState(state: TicketState): Uint8Array {
  const w = new Writer(128);
  w.u16(state.cipherSuite).vector8(state.psk).u32(state.ticketAgeAdd).u32(state.lifetime);
  w.u64(BigInt(Math.floor(state.issuedAt)));
  w.vector8(new TextEncoder().encode(state.alpn)).u32(state.maxEarlyDataSize);
  return w.finish();
}

/** Seals a TLS 1.3 ticket. */
export function sealTicket(
  provider: CryptoProvider,
  key: Uint8Array,
  nonce: Uint8Array,
  state: TicketState,
): MaybePromise<Uint8Array> {
  return sealWithTicketKey(provider, key, nonce, encodeTicketState(state), NO_AAD);
}

/** Reads {@link encodeTicketState}'s bytes back; undefined when they are not a ticket state. */
export function decodeTicketState(plain: Uint8Array): TicketState | undefined {
  try {
    const r = new Reader(plain);
    const state: TicketState = {
      cipherSuite: r.u16(),
      psk: r.vector8().slice(),
      ticketAgeAdd: r.u32(),
      lifetime: r.u32(),
      issuedAt: Number(r.u64()),
      alpn: new TextDecoder().decode(r.vector8()),
      maxEarlyDataSize: r.u32(),
    };
    r.expectEnd('ticket');
    return state;
  } catch {
    return undefined;
  }
}

/** Opens a TLS 1.3 ticket with any of `keys`; undefined when none authenticates. */
export function openTicket(
  provider: CryptoProvider,
  keys: readonly Uint8Array[],
  ticket: Uint8Array,
): MaybePromise<TicketState | undefined> {
  const plain = openWithTicketKeys(provider, keys, ticket, NO_AAD);
  const parse = (p: Uint8Array | undefined): TicketState | undefined =>
    p === undefined ? undefined : decodeTicketState(p);
  return isPromiseLike(plain) ? plain.then(parse) : parse(plain);
}
