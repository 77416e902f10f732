/**
 * Errors the engine throws to the application (as opposed to TLS alerts, which concern the peer).
 * @module
 */

/**
 * The application asked a connection for something its state does not allow: renegotiate() on
 * TLS 1.3, keyUpdate() before the handshake or after close, an exporter before keys exist,
 * continue() with no pause, write() after close. Nothing is sent to the peer and the connection
 * is left as it was.
 *
 * @example
 * try { conn.keyUpdate(false); } catch (e) { if (e instanceof ConnectionStateError) console.log(e.message); }
 */
export class ConnectionStateError extends Error {
  override readonly name = 'ConnectionStateError';
}

/**
 * A server resumption hook failed (a {@link SessionStore} method, the ticket key provider, a
 * `ticketStore`): it threw, rejected, or returned something unusable (e.g. a 5-byte ticket key).
 * The connection goes on without that step — caching and tickets are optional (RFC 5246 §7.4.1.2:
 * the server may decline to cache a session; RFC 8446 §4.6.1: tickets are optional) — so a
 * failing lookup means a full handshake, a failing save means the session is not resumable, a
 * failing ticket seal means no ticket. The engine reports it as a `sessionStoreError` event.
 *
 * - `operation`: the step that was skipped: `'lookup'` (TLS 1.2 session id), `'save'` (TLS 1.2
 *   session id), `'openTicket'`, `'issueTicket'` (TLS 1.2 RFC 5077 or TLS 1.3 ticket).
 * - `cause`: what the hook threw or rejected with.
 *
 * @example
 * conn.on((e) => { if (e.type === 'sessionStoreError') log.warn(e.error.operation, e.error.cause); });
 */
export class SessionStoreError extends Error {
  override readonly name = 'SessionStoreError';
  constructor(
    readonly operation: 'lookup' | 'save' | 'openTicket' | 'issueTicket',
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}
