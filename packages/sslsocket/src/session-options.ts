/**
 * Server options for resumption across processes and machines: where sessions live
 * (`sessionStore`, Erlang `session_cb`) and how TLS 1.3 tickets work (`sessionTickets`, Erlang
 * `session_tickets`). `ticketKeys` (a list or a {@link TicketKeyProvider}) is in ServerOptions.
 * @module
 */
import type { SessionStore, TicketKeyProvider, TicketKeySet } from '@sslsocket/handshake';

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
   * A store method that throws or rejects fails that handshake with `internal_error`.
   *
   * @example
   * import { RedisSessionStore } from '@sslsocket/session-store-redis';
   * listen(8443, { cert, key, sessionTickets: 'stateful', sessionStore: new RedisSessionStore(redis) });
   */
  readonly sessionStore?: SessionStore;
}
