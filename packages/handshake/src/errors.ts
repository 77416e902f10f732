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
