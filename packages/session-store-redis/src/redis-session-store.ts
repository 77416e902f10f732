/**
 * A {@link SessionStore} on Redis or Valkey through `ioredis`: every process and machine pointed at
 * the same server resumes the sessions the others made (TLS 1.2 session ids, TLS 1.3 stateful
 * tickets). Entries are written with `SET key value PX ttl`, so Redis drops them when their
 * lifetime (`sessionLifetime` / `ticketLifetime`) ends; no sweeping on our side. Single-use TLS 1.3
 * stateful tickets are redeemed with `GETDEL`, atomic on the server, so one ticket resumes at most
 * once across the fleet (RFC 8446 §8.1).
 * @module
 */
import type { SessionStore } from '@sslsocket/handshake';
import type { Cluster, Redis } from 'ioredis';

/** The ioredis client (a `Redis` or a `Cluster`) the store talks through; the caller connects and quits it. */
export type RedisClient = Redis | Cluster;

/** The store operation that failed, as given to `onError`. */
export type RedisStoreOperation = 'get' | 'set' | 'delete' | 'take';

export interface RedisSessionStoreOptions {
  /** Prepended to the hex session id to make the Redis key (default `'sslsocket:session:'`). */
  readonly prefix?: string;
  /**
   * Called when a Redis command fails; the store then answers "no session" (get, take) or carries on
   * (set, delete) quietly. Without it a failure rejects, and the server skips that step all the
   * same (a full handshake, an uncached session, no ticket) and reports it to the listener's
   * `onSessionStoreError` (the error as its cause).
   */
  readonly onError?: (error: unknown, operation: RedisStoreOperation) => void;
}

const hex = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

/** Is `error` Redis's answer to a command it does not know (`ERR unknown command 'getdel' ...`)? */
const isUnknownCommand = (error: unknown): boolean =>
  error instanceof Error && /^ERR unknown command/i.test(error.message);

/**
 * Sessions in Redis: key `prefix + hex(id)`, value the session's stable byte encoding (format
 * version 1, see `@sslsocket/handshake` `session-codec`), time to live in milliseconds (`PX`).
 *
 * @example
 * import { Redis } from 'ioredis';
 * import { listen } from 'sslsocket';
 * import { RedisSessionStore } from '@sslsocket/session-store-redis';
 *
 * const redis = new Redis(6379, '10.0.0.5');
 * const server = await listen(443, {
 *   certfile: 'cert.pem',
 *   keyfile: 'key.pem',
 *   sessionTickets: 'stateful', // TLS 1.3 tickets are ids into the store too
 *   sessionStore: new RedisSessionStore(redis, { prefix: 'tls:', onError: (e) => console.warn(e) }),
 *   sessionLifetime: 3600, // TLS 1.2 entries expire after an hour
 *   ticketLifetime: 3600, // TLS 1.3 entries too
 * });
 */
export class RedisSessionStore implements SessionStore {
  readonly prefix: string;
  private readonly onError: ((error: unknown, operation: RedisStoreOperation) => void) | undefined;
  /** False once the server said it has no GETDEL (Redis < 6.2). */
  private hasGetdel = true;

  constructor(
    readonly client: RedisClient,
    options: RedisSessionStoreOptions = {},
  ) {
    this.prefix = options.prefix ?? 'sslsocket:session:';
    this.onError = options.onError;
  }

  /** The Redis key of a session id. */
  key(id: Uint8Array): string {
    return this.prefix + hex(id);
  }

  async get(id: Uint8Array): Promise<Uint8Array | undefined> {
    try {
      const value = await this.client.getBuffer(this.key(id));
      return value === null ? undefined : new Uint8Array(value);
    } catch (error) {
      return this.failed(error, 'get');
    }
  }

  async set(id: Uint8Array, value: Uint8Array, ttlSeconds: number): Promise<void> {
    try {
      await this.client.set(this.key(id), Buffer.from(value), 'PX', Math.max(1, Math.round(ttlSeconds * 1000)));
    } catch (error) {
      this.failed(error, 'set');
    }
  }

  async delete(id: Uint8Array): Promise<void> {
    try {
      await this.client.del(this.key(id));
    } catch (error) {
      this.failed(error, 'delete');
    }
  }

  /**
   * Reads and deletes `id` in one atomic step (the {@link SessionStore.take} the engine redeems
   * single-use TLS 1.3 stateful tickets with): `GETDEL` (Redis ≥ 6.2, Valkey). On an older server,
   * which answers "unknown command", it remembers that and uses `MULTI` `GET` `DEL` `EXEC` instead, a
   * transaction no other client's command runs inside, so still atomic.
   */
  async take(id: Uint8Array): Promise<Uint8Array | undefined> {
    const key = this.key(id);
    try {
      if (this.hasGetdel) {
        try {
          const value = await this.client.getdelBuffer(key);
          return value === null ? undefined : new Uint8Array(value);
        } catch (error) {
          if (!isUnknownCommand(error)) throw error;
          this.hasGetdel = false;
        }
      }
      const replies = await this.client.multi().getBuffer(key).del(key).exec();
      // exec answers null when the transaction was aborted (no WATCH here, so only on a failure).
      if (replies === null) throw new Error(`MULTI GET DEL of ${key} was aborted`);
      for (const [error] of replies) if (error) throw error;
      const value = replies[0]?.[1];
      return Buffer.isBuffer(value) ? new Uint8Array(value) : undefined;
    } catch (error) {
      return this.failed(error, 'take');
    }
  }

  private failed(error: unknown, operation: RedisStoreOperation): undefined {
    if (this.onError === undefined) throw error;
    this.onError(error, operation);
    return undefined;
  }
}
