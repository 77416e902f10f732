/**
 * The server's resumption settings for the engine: the TLS 1.2 session-id cache (a SessionStore, or
 * the older `sessionCache`), TLS 1.3 stateless tickets (`ticketKeys`, a list or a provider) or
 * stateful ones (`statefulTickets` over the same store). Built once per listener, so its
 * connections share the store and the keys.
 * @module
 */
import { type ConnectionConfig, MemorySessionStore, statefulTickets } from '@sslsocket/handshake';
import type { CryptoProvider } from '@sslsocket/suites';
import type { ServerOptions } from './socket-options.js';

/** `sessionStore`, `sessionCache`, `sessionLifetime`, `sessionTickets`, `ticketKeys` as engine settings. */
export function serverSessionConfig(options: ServerOptions, provider: CryptoProvider): Partial<ConnectionConfig> {
  const tickets = options.sessionTickets ?? 'stateless';
  const cacheIds = options.reuseSessions !== false;
  const legacyCache = cacheIds ? options.sessionCache : undefined;
  const store =
    (cacheIds && legacyCache === undefined) || tickets === 'stateful'
      ? (options.sessionStore ??
        new MemorySessionStore(
          options.sessionCacheServerMax === undefined ? {} : { maxEntries: options.sessionCacheServerMax },
        ))
      : undefined;
  // TLS 1.2 session ids: the older sessionCache when given, else the store (none: reuseSessions false).
  const ids: Partial<ConnectionConfig> =
    legacyCache !== undefined
      ? { sessionCache: legacyCache }
      : cacheIds && store !== undefined
        ? { sessionStore: store }
        : {};
  return {
    // TLS 1.2 tickets (RFC 5077) are sealed with ticketKeys whatever the TLS 1.3 ticket kind.
    ...(tickets === 'disabled' ? {} : { ticketKeys: options.ticketKeys ?? [provider.randomBytes(32)] }),
    ...(options.ticketLifetime === undefined ? {} : { ticketLifetime: options.ticketLifetime }),
    ...ids,
    ...(options.sessionLifetime === undefined ? {} : { sessionLifetime: options.sessionLifetime }),
    ...(tickets === 'stateful' && store !== undefined
      ? { ticketStore: statefulTickets(store, (n) => provider.randomBytes(n)) }
      : {}),
  };
}
