import type { ConnectionEvent, Session12, Session13 } from '@sslsocket/handshake';

/** The hello's extensions, as the engine reports them with `handshake: 'hello'`. */
export type HelloExtensions = Extract<ConnectionEvent, { type: 'hello' }>['extensions'];

/** Events of an {@link SslSocket} (Erlang's active-mode messages). */
export type SslSocketEvents = {
  /** `{ssl, Socket, Data}` */
  data: [Uint8Array];
  /** `{ssl_closed, Socket}`: the peer closed (close_notify or end of stream). */
  closed: [];
  /** `{ssl_error, Socket, Reason}` */
  error: [Error];
  /** `{ssl_passive, Socket}`: an `active: N` count ran out. */
  passive: [];
  /** A session the client may resume later. */
  session: [Session13 | Session12];
};
