/**
 * Stateless TLS 1.3 session tickets (RFC 8446 §4.6.1, RFC 5077 §4 design): the server seals the
 * resumption state under a ticket key with AES-GCM. Keys rotate: the first key seals, every key
 * opens, so old tickets stay valid for one rotation.
 * @module
 */

import { Reader, Writer } from '@sslsocket/record';
import { type CryptoProvider, isPromiseLike, type MaybePromise } from '@sslsocket/suites';

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

const NONCE_LENGTH = 12;

function aeadFor(key: Uint8Array): 'AES-128-GCM' | 'AES-256-GCM' {
  return key.length === 16 ? 'AES-128-GCM' : 'AES-256-GCM';
}

/** Seals a ticket: nonce (12) || AES-GCM(state) || tag. A Promise only with an asynchronous AEAD. */
export function sealTicket(
  provider: CryptoProvider,
  key: Uint8Array,
  nonce: Uint8Array,
  state: TicketState,
): MaybePromise<Uint8Array> {
  const w = new Writer(128);
  w.u16(state.cipherSuite).vector8(state.psk).u32(state.ticketAgeAdd).u32(state.lifetime);
  w.u64(BigInt(Math.floor(state.issuedAt)));
  w.vector8(new TextEncoder().encode(state.alpn)).u32(state.maxEarlyDataSize);
  const plain = w.finish();
  const aead = provider.aead(aeadFor(key), key);
  const out = new Uint8Array(NONCE_LENGTH + plain.length + aead.tagLength);
  out.set(nonce.subarray(0, NONCE_LENGTH));
  out.set(plain, NONCE_LENGTH);
  const sealed = aead.seal(out.subarray(0, NONCE_LENGTH), new Uint8Array(0), out, NONCE_LENGTH, plain.length);
  return isPromiseLike(sealed) ? sealed.then(() => out) : out;
}

function parseState(buffer: Uint8Array, tagLength: number): TicketState | undefined {
  try {
    const r = new Reader(buffer, NONCE_LENGTH, buffer.length - tagLength);
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

/** Opens a ticket with any of `keys` (tried in order); undefined when none authenticates. */
export function openTicket(
  provider: CryptoProvider,
  keys: readonly Uint8Array[],
  ticket: Uint8Array,
  from = 0,
): MaybePromise<TicketState | undefined> {
  const key = keys[from];
  if (key === undefined || ticket.length < NONCE_LENGTH + 16 + 2) return undefined;
  const aead = provider.aead(aeadFor(key), key);
  const buffer = ticket.slice();
  const opened = aead.open(
    buffer.subarray(0, NONCE_LENGTH),
    new Uint8Array(0),
    buffer,
    NONCE_LENGTH,
    buffer.length - NONCE_LENGTH,
  );
  const next = (ok: boolean): MaybePromise<TicketState | undefined> =>
    ok ? parseState(buffer, aead.tagLength) : openTicket(provider, keys, ticket, from + 1);
  return isPromiseLike(opened) ? opened.then(next) : next(opened);
}
