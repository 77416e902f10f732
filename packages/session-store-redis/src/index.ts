/**
 * `@sslsocket/session-store-redis`: resumption across processes and machines for sslsocket servers,
 * on Redis or Valkey through `ioredis`. {@link RedisSessionStore} is a `sessionStore` (TLS 1.2
 * session ids, TLS 1.3 stateful tickets, expiring with Redis TTLs); {@link redisTicketKeys} and
 * {@link rotateTicketKeys} share and rotate stateless ticket keys.
 *
 * @example
 * import { Redis } from 'ioredis';
 * import { listen } from 'sslsocket';
 * import { RedisSessionStore, redisTicketKeys } from '@sslsocket/session-store-redis';
 * const redis = new Redis();
 * await listen(443, { certfile, keyfile, sessionStore: new RedisSessionStore(redis), ticketKeys: redisTicketKeys(redis) });
 * @module
 */
export {
  type RedisClient,
  RedisSessionStore,
  type RedisSessionStoreOptions,
  type RedisStoreOperation,
} from './redis-session-store.js';
export {
  type RedisTicketKeysOptions,
  type RotateTicketKeysOptions,
  redisTicketKeys,
  rotateTicketKeys,
} from './redis-ticket-keys.js';
