/**
 * TLS 1.2 resumption state (RFC 5246 §7.3, RFC 5077): what the client keeps, what the server keeps
 * in its session-id cache, and RFC 5077 tickets sealed with the same rotating keys as TLS 1.3
 * tickets (but a different additional data, so the two formats never open as each other).
 * @module
 */
import { Reader, Writer } from '@sslsocket/record';
import { type CryptoProvider, isPromiseLike, type MaybePromise } from '@sslsocket/suites';
import { toHex, utf8 } from '../bytes.js';
import { openWithTicketKeys, sealWithTicketKey } from '../tickets.js';

/** A resumable TLS 1.2 session, kept by the client (Erlang saved session). */
export interface Session12 {
  readonly version: 'tlsv1.2';
  /** The server's session id (may be empty when the server only issued a ticket). */
  readonly sessionId: Uint8Array;
  /** An RFC 5077 ticket, when the server issued one. */
  readonly ticket: Uint8Array | undefined;
  readonly masterSecret: Uint8Array;
  readonly cipherSuite: number;
  readonly extendedMasterSecret: boolean;
  /** Seconds the session may be resumed (the ticket lifetime hint, or our default). */
  readonly lifetime: number;
  /** clock.now() when the session was made (ms). */
  readonly receivedAt: number;
  readonly serverName: string | undefined;
  readonly alpn: string | undefined;
  readonly peerCertificates: readonly Uint8Array[];
}

/** What the server remembers of a session, in its cache or inside a ticket. */
export interface ServerSession12 {
  readonly cipherSuite: number;
  readonly masterSecret: Uint8Array;
  readonly extendedMasterSecret: boolean;
  /** ms since the epoch of config.clock. */
  readonly createdAt: number;
  readonly serverName: string;
  readonly alpn: string;
  readonly peerCertificates: readonly Uint8Array[];
}

/**
 * The server's in-process session-id cache (Erlang `session_lifetime` / `session_cache_server_max`):
 * entries expire after `lifetimeSeconds`; past `maxEntries` the oldest entry goes. Share one instance
 * among the connections of a listener. Superseded by `sessionStore` (a `MemorySessionStore` or
 * a shared store); kept for existing code (`config.sessionCache`).
 *
 * @example
 * const cache = new ServerSessionCache({ lifetimeSeconds: 3600, maxEntries: 10_000 });
 * new ServerConnection({ ...config, sessionCache: cache });
 */
export class ServerSessionCache {
  readonly lifetimeSeconds: number;
  readonly maxEntries: number;
  private readonly entries = new Map<string, ServerSession12>();

  constructor(options: { lifetimeSeconds?: number; maxEntries?: number } = {}) {
    this.lifetimeSeconds = options.lifetimeSeconds ?? 7200;
    this.maxEntries = options.maxEntries ?? 1000;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Stores a session under its id; evicts the oldest entries beyond maxEntries. */
  put(sessionId: Uint8Array, session: ServerSession12): void {
    if (this.maxEntries <= 0) return;
    const key = toHex(sessionId);
    this.entries.delete(key);
    this.entries.set(key, session);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** The live session for `sessionId` at time `now` (ms), or undefined (expired ones are dropped). */
  get(sessionId: Uint8Array, now: number): ServerSession12 | undefined {
    const key = toHex(sessionId);
    const session = this.entries.get(key);
    if (session === undefined) return undefined;
    if (now - session.createdAt > this.lifetimeSeconds * 1000 || now < session.createdAt) {
      this.entries.delete(key);
      return undefined;
    }
    return session;
  }

  delete(sessionId: Uint8Array): void {
    this.entries.delete(toHex(sessionId));
  }

  clear(): void {
    this.entries.clear();
  }
}

const TICKET12_AAD = utf8('sslsocket TLS 1.2 ticket');

/** A server session's bytes: the plaintext of an RFC 5077 ticket and the body of a stored session. */
export function encodeServerSession12(session: ServerSession12): Uint8Array {
  const w = new Writer(256);
  w.u16(session.cipherSuite)
    .vector8(session.masterSecret)
    .u8(session.extendedMasterSecret ? 1 : 0);
  w.u64(BigInt(Math.floor(session.createdAt)));
  w.vector8(utf8(session.serverName)).vector8(utf8(session.alpn));
  const chain = w.begin24();
  for (const der of session.peerCertificates) w.vector24(der);
  w.end(chain);
  return w.finish();
}

/** Seals a TLS 1.2 session into an RFC 5077 ticket under the first ticket key. */
export function sealTicket12(
  provider: CryptoProvider,
  key: Uint8Array,
  nonce: Uint8Array,
  session: ServerSession12,
): MaybePromise<Uint8Array> {
  return sealWithTicketKey(provider, key, nonce, encodeServerSession12(session), TICKET12_AAD);
}

/** Reads {@link encodeServerSession12}'s bytes back; undefined when they are not a session. */
export function decodeServerSession12(plain: Uint8Array): ServerSession12 | undefined {
  try {
    const r = new Reader(plain);
    const cipherSuite = r.u16();
    const masterSecret = r.vector8(48, 48).slice();
    const extendedMasterSecret = r.u8() === 1;
    const createdAt = Number(r.u64());
    const decoder = new TextDecoder();
    const serverName = decoder.decode(r.vector8());
    const alpn = decoder.decode(r.vector8());
    const list = r.sub24();
    const peerCertificates: Uint8Array[] = [];
    while (!list.atEnd) peerCertificates.push(list.vector24(1).slice());
    r.expectEnd('ticket');
    return { cipherSuite, masterSecret, extendedMasterSecret, createdAt, serverName, alpn, peerCertificates };
  } catch {
    return undefined;
  }
}

/** Opens a TLS 1.2 ticket with any of `keys`; undefined when none authenticates. */
export function openTicket12(
  provider: CryptoProvider,
  keys: readonly Uint8Array[],
  ticket: Uint8Array,
): MaybePromise<ServerSession12 | undefined> {
  const plain = openWithTicketKeys(provider, keys, ticket, TICKET12_AAD);
  const parse = (p: Uint8Array | undefined): ServerSession12 | undefined =>
    p === undefined ? undefined : decodeServerSession12(p);
  return isPromiseLike(plain) ? plain.then(parse) : parse(plain);
}
