/**
 * Server options for resumption across processes and machines: where sessions live
 * (`sessionStore`, Erlang `session_cb`) and how TLS 1.3 tickets work (`sessionTickets`, Erlang
 * `session_tickets`). `ticketKeys` (a list or a {@link TicketKeyProvider}) is in ServerOptions.
 * @module
 */
import type { SessionStore, SessionStoreError, TicketKeyProvider, TicketKeySet } from '@sslsocket/handshake';

export type { SessionStore, TicketKeyProvider, TicketKeySet };

/** Server options that decide where resumable sessions are kept. */
export interface ServerSessionOptions {
  /**
   * Where the server keeps resumable sessions (Erlang `session_cb`): the TLS 1.2 session-id cache
   * and, with `sessionTickets: 'stateful'`, TLS 1.3 ticket states. Default: a `MemorySessionStore`
   * of `sessionCacheServerMax` entries per listener. Give one store shared by every process and
   * machine that should resume each other's sessions, e.g. `@sslsocket/session-store-redis`.
   * Entries live `sessionLifetime` seconds (TLS 1.2) or `ticketLifetime` seconds (TLS 1.3 tickets);
   * values are a stable, versioned byte encoding (see `@sslsocket/handshake` `session-codec`).
   * A store method that throws or rejects does not fail the connection: caching and tickets are
   * optional (RFC 5246 §7.4.1.2, RFC 8446 §4.6.1), so a failing `get` means a full handshake, a
   * failing `set` leaves the session uncached, a failing ticket store issues no ticket. See
   * `onSessionStoreError`.
   *
   * @example
   * import { RedisSessionStore } from '@sslsocket/session-store-redis';
   * listen(8443, { cert, key, sessionTickets: 'stateful', sessionStore: new RedisSessionStore(redis) });
   */
  readonly sessionStore?: SessionStore;
  /**
   * Called when the `sessionStore`, the `ticketKeys` provider (it threw, rejected or returned an
   * unusable key) or a stateful ticket store failed during a connection. The connection went on
   * without that step: `error.operation` says which — `'lookup'` (TLS 1.2 session id, so a full
   * handshake), `'save'` (TLS 1.2 session not cached; its id stays in the ServerHello, RFC 5246
   * §7.4.1.3, and a later resumption attempt gets a full handshake), `'openTicket'` (full
   * handshake), `'issueTicket'` (TLS 1.3: no NewSessionTicket; TLS 1.2: an empty one, RFC 5077
   * §3.3). `error.cause` is what the store or provider threw. Default: failures are ignored
   * (OpenSSL likewise ignores a failing new_session_cb). The callback runs inside the engine: keep
   * it short; a throw from it is ignored.
   *
   * @example
   * listen(8443, { cert, key, sessionStore, onSessionStoreError: (e) => log.warn(`${e.operation}: ${e.message}`) });
   */
  readonly onSessionStoreError?: (error: SessionStoreError) => void;
}

/**
 * Default of `maxSavedSessions`: a server may send any number of NewSessionTickets over a
 * connection's life (RFC 8446 §4.6.1), and only the newest are worth resuming with (node keeps
 * only the latest session).
 */
export const DEFAULT_MAX_SAVED_SESSIONS = 8;

/** Client options that bound what one connection keeps of the server's tickets. */
export interface ClientSessionOptions {
  /**
   * Most sessions one connection keeps (whole number ≥ 1, default 8): the newest in
   * `savedSessions`, and the newest `session` events still waiting for a listener. Older ones are
   * dropped, so a long-lived connection to a server that keeps sending NewSessionTickets
   * (RFC 8446 §4.6.1 puts no limit on them) does not grow without bound. Sessions kept for
   * `reuseSessions` are bounded separately (a few per host and port).
   *
   * @example
   * const socket = await connect('example.com', 443, { maxSavedSessions: 1 }); // node keeps one
   */
  readonly maxSavedSessions?: number;
}
