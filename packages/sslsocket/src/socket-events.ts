import type { ConnectionEvent, Session12, Session13 } from '@sslsocket/handshake';

/** The hello's extensions, as the engine reports them with `handshake: 'hello'`. */
export type HelloExtensions = Extract<ConnectionEvent, { type: 'hello' }>['extensions'];

/** How the peer ended: with close_notify, or by ending the stream without it (a possible truncation). */
export type PeerClose = 'close_notify' | 'truncated';

/** Events of an {@link SslSocket} (Erlang's active-mode messages). */
export type SslSocketEvents = {
  /** `{ssl, Socket, Data}` */
  data: [Uint8Array];
  /**
   * `{ssl_closed, Socket}`: the peer closed. The argument says how: `'close_notify'` (a clean end)
   * or `'truncated'` (the stream ended without close_notify, RFC 8446 §6.1: data may be missing).
   * A connection ends with `closed` or with `error`, not both (Erlang's `ssl_gen_statem:alert_user`
   * sends `ssl_closed` for close_notify and `ssl_error` for any other alert); the one exception is a
   * length-prefixed packet cut short (`packet: 1 | 2 | 4`): `error` (truncated), then `closed`.
   */
  closed: [PeerClose];
  /**
   * `{ssl_error, Socket, Reason}`: the connection failed (a fatal alert sent or received, a
   * transport error, a timeout). It is the last event: no `closed` follows.
   */
  error: [Error];
  /** `{ssl_passive, Socket}`: an `active: N` count ran out. */
  passive: [];
  /** A session the client may resume later. */
  session: [Session13 | Session12];
};
