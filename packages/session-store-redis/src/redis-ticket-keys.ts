/**
 * Ticket keys a fleet shares through Redis, for `ticketKeys` (stateless TLS 1.3 tickets and RFC 5077
 * TLS 1.2 tickets): a Redis list holds the keys newest first, `[next, current, previous...]`. Every
 * server seals with `current` and opens with all of them, so a rotation (push a fresh key, drop the
 * oldest) never strands a ticket: a server that has not yet re-read the list seals with a key that
 * the others keep accepting as `previous`, and already accepts the new `current` as its `next`.
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { TicketKeyProvider, TicketKeySet } from '@sslsocket/handshake';
import type { RedisClient } from './redis-session-store.js';

export interface RedisTicketKeysOptions {
  /** The Redis list holding the keys (default `'sslsocket:ticket-keys'`). */
  readonly key?: string;
  /** How long a read of the list is reused, ms (default 60 000); keep it well below the rotation period. */
  readonly refreshMs?: number;
}

/** Options of {@link rotateTicketKeys}. */
export interface RotateTicketKeysOptions {
  /** The Redis list (default `'sslsocket:ticket-keys'`). */
  readonly key?: string;
  /**
   * Keys kept (default 3: next, current, previous). A ticket is accepted for (keep - 2) rotation
   * periods after its key stops sealing: rotate no more often than `ticketLifetime` with the default.
   */
  readonly keep?: number;
}

const DEFAULT_KEY = 'sslsocket:ticket-keys';

/**
 * One rotation step, run by one scheduler for the whole fleet (a cron job, or a leader): pushes a
 * fresh 32-byte key (two on an empty list, so there is a current key at once) and trims the list
 * to `keep` keys, in one MULTI transaction.
 *
 * @example
 * setInterval(() => rotateTicketKeys(redis), 6 * 3600 * 1000); // with ticketLifetime ≤ 6 h
 */
export async function rotateTicketKeys(client: RedisClient, options: RotateTicketKeysOptions = {}): Promise<void> {
  const key = options.key ?? DEFAULT_KEY;
  const keep = options.keep ?? 3;
  if (!Number.isInteger(keep) || keep < 2) throw new RangeError('rotateTicketKeys: keep must be an integer ≥ 2');
  const fresh = (await client.llen(key)) === 0 ? [randomBytes(32), randomBytes(32)] : [randomBytes(32)];
  const result = await client
    .multi()
    .lpush(key, ...fresh)
    .ltrim(key, 0, keep - 1)
    .exec();
  const failed = result?.find(([error]) => error !== null);
  if (result === null || failed !== undefined) throw failed?.[0] ?? new Error('rotateTicketKeys: transaction aborted');
}

/**
 * A `ticketKeys` provider reading the list {@link rotateTicketKeys} maintains: sealing key
 * `list[1]` (`list[0]` while the list has one key), every listed key accepted. The list is read at
 * most once per `refreshMs`; in between the answer is synchronous. An empty or unreadable list
 * rejects, so the server issues and opens no tickets (full handshakes) and reports it to
 * `onSessionStoreError`: run `rotateTicketKeys` before serving.
 *
 * @example
 * import { Redis } from 'ioredis';
 * import { redisTicketKeys, rotateTicketKeys } from '@sslsocket/session-store-redis';
 * const redis = new Redis();
 * await rotateTicketKeys(redis); // once at deployment, then on a schedule
 * const server = await listen(443, { certfile, keyfile, ticketKeys: redisTicketKeys(redis) });
 */
export function redisTicketKeys(client: RedisClient, options: RedisTicketKeysOptions = {}): TicketKeyProvider {
  const key = options.key ?? DEFAULT_KEY;
  const refreshMs = options.refreshMs ?? 60_000;
  let cached: { readonly set: TicketKeySet; readonly at: number } | undefined;
  let reading: Promise<TicketKeySet> | undefined;
  const read = async (): Promise<TicketKeySet> => {
    const list = (await client.lrangeBuffer(key, 0, -1)).map((b) => new Uint8Array(b));
    const [first, second] = list;
    if (first === undefined) throw new Error(`no ticket keys in Redis list ${key}: run rotateTicketKeys first`);
    const set: TicketKeySet =
      second === undefined ? { current: first } : { current: second, accepted: [first, ...list.slice(2)] };
    cached = { set, at: Date.now() };
    return set;
  };
  return () => {
    if (cached !== undefined && Date.now() - cached.at < refreshMs) return cached.set;
    reading ??= read().finally(() => {
      reading = undefined;
    });
    return reading;
  };
}
