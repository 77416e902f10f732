/**
 * Where a server keeps what resumption needs (Erlang `session_cb`): TLS 1.2 session ids (RFC 5246
 * §7.4.1.2) and TLS 1.3 stateful tickets (RFC 8446 §4.6.1), as opaque bytes under an opaque id, each
 * with a time to live. The engine writes and reads them through {@link SessionStore}; the values
 * are the stable, versioned encoding of `session-codec.ts`, so another process (a `node:cluster`
 * worker, another machine) reads what this one wrote. {@link MemorySessionStore} is the default.
 * @module
 */
import { isPromiseLike, type MaybePromise, TlsAlert } from '@sslsocket/suites';
import { toHex } from './bytes.js';

/**
 * A key-value store for resumable sessions, shared by the servers that should resume each other's
 * sessions. Every method may answer synchronously (an in-memory map: the handshake goes on without
 * a microtask) or with a Promise (a network store: the handshake waits in its current state, as it
 * waits for an asynchronous `verifyFun`).
 *
 * - `get(id)`: the value stored under `id`, or undefined when there is none or it expired.
 * - `set(id, value, ttlSeconds)`: stores `value` (opaque bytes, at most a few KiB: a session and the
 *   peer's certificate chain) under `id` for `ttlSeconds` seconds (a whole number ≥ 1); replaces an
 *   earlier value.
 * - `delete(id)`: forgets `id` (no error when absent).
 * - `take(id)` (optional): reads and forgets `id` in one atomic step; see {@link SessionStore.take}.
 *   The engine uses it for single-use TLS 1.3 stateful tickets; without it, it falls back to `get`
 *   then `delete`, which is not atomic: two servers redeeming the same ticket at the same moment
 *   may both accept it.
 *
 * A method that throws or rejects never fails the connection (caching and tickets are optional,
 * RFC 5246 §7.4.1.2, RFC 8446 §4.6.1): a failed lookup is a full handshake, a failed `set` leaves
 * the session uncached or issues no ticket; the engine emits a `sessionStoreError` event whose
 * error's `cause` is the store's error (store-failure.ts).
 *
 * Ids are random (32 bytes for a TLS 1.2 session id or a TLS 1.3 stateful ticket): use them as keys
 * as they are (e.g. hex). Values hold session secrets: keep the store private to the fleet.
 *
 * @example
 * const store: SessionStore = {
 *   get: (id) => map.get(hex(id)),
 *   set: (id, value, ttlSeconds) => { map.set(hex(id), value); },
 *   delete: (id) => { map.delete(hex(id)); },
 * };
 */
export interface SessionStore {
  get(id: Uint8Array): MaybePromise<Uint8Array | undefined>;
  set(id: Uint8Array, value: Uint8Array, ttlSeconds: number): MaybePromise<void>;
  delete(id: Uint8Array): MaybePromise<void>;
  /**
   * Atomically reads and forgets `id` (get-and-delete): of any number of concurrent `take`s of one
   * id, across every process sharing the store, at most one answers the value; the others answer
   * undefined. Answers undefined when there is no entry or it expired.
   *
   * Optional. The engine redeems single-use TLS 1.3 stateful tickets with it when present (RFC 8446
   * §8.1: a single-use ticket resumes at most once, which is what makes 0-RTT data sent on it
   * non-replayable through the store; §4.6.1: the ticket is a database lookup key). Without it the
   * engine calls `get` then `delete`, two steps another server can interleave with: the same ticket
   * may then resume twice (and its 0-RTT data be accepted twice). Implement it when the store is
   * shared by several processes and replay matters.
   *
   * Throws / rejects like `get` (the handshake fails with `internal_error`).
   *
   * @param id the entry's id (32 random bytes for a stateful ticket)
   * @returns the value that was stored under `id`, now removed, or undefined
   * @example
   * // Redis ≥ 6.2: one command, atomic on the server.
   * take: async (id) => (await redis.getdelBuffer(hex(id))) ?? undefined,
   */
  take?(id: Uint8Array): MaybePromise<Uint8Array | undefined>;
}

/** Options of {@link MemorySessionStore}. */
export interface MemorySessionStoreOptions {
  /** Most entries kept (Erlang `session_cache_server_max`, default 1000); past it the oldest goes. 0 keeps none. */
  readonly maxEntries?: number;
  /** The clock for expiry, ms (default Date.now). */
  readonly now?: () => number;
}

/**
 * The default {@link SessionStore}: a bounded map in this process, synchronous (so a handshake that
 * uses it never waits). Entries expire after their TTL; past `maxEntries` the oldest entry goes.
 *
 * @example
 * const store = new MemorySessionStore({ maxEntries: 10_000 });
 * listen(443, { cert, key, sessionStore: store });
 */
export class MemorySessionStore implements SessionStore {
  readonly maxEntries: number;
  private readonly now: () => number;
  private readonly entries = new Map<string, { readonly value: Uint8Array; readonly expires: number }>();

  constructor(options: MemorySessionStoreOptions = {}) {
    this.maxEntries = options.maxEntries ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /** Entries held (expired ones included until they are looked up or pushed out). */
  get size(): number {
    return this.entries.size;
  }

  get(id: Uint8Array): Uint8Array | undefined {
    const key = toHex(id);
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (this.now() >= entry.expires) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(id: Uint8Array, value: Uint8Array, ttlSeconds: number): void {
    if (this.maxEntries <= 0) return;
    const key = toHex(id);
    // Re-inserted at the end: the map's order is the eviction order.
    this.entries.delete(key);
    this.entries.set(key, { value: value.slice(), expires: this.now() + ttlSeconds * 1000 });
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  delete(id: Uint8Array): void {
    this.entries.delete(toHex(id));
  }

  /** Reads and removes `id` (atomic: this store is synchronous, in one process). */
  take(id: Uint8Array): Uint8Array | undefined {
    const value = this.get(id);
    if (value !== undefined) this.delete(id);
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * Runs one call into the application's server hooks (a session store operation, the ticket key
 * provider): a throw or rejection becomes an `internal_error` TlsAlert naming `operation`, with the
 * error as its cause (never the peer's fault, so never decode_error, whatever the error's class).
 */
export function storeCall<T>(operation: string, call: () => MaybePromise<T>): MaybePromise<T> {
  const failed = (cause: unknown): never => {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new TlsAlert('internal_error', `${operation} failed: ${reason}`, { cause });
  };
  let result: MaybePromise<T>;
  try {
    result = call();
  } catch (cause) {
    return failed(cause);
  }
  return isPromiseLike(result) ? Promise.resolve(result).catch(failed) : result;
}
