import * as net from 'node:net';
import { TlsAcceptor } from './acceptor.js';
import type { TlsServerOptions } from './options.js';
import type { TLSSocket } from './tls-socket.js';

/**
 * node's `tls.Server`: a `net.Server` whose connections become {@link TLSSocket}s. Handshakes run
 * concurrently, each bounded by `handshakeTimeout` (default 120 s, node's); a client that fails
 * (plain HTTP, a bad certificate, silence) is reported through `tlsClientError` and dropped
 * without touching the others. A connection that sends nothing holds no handshake slot and is
 * closed (no alert) after 10 s, or `handshakeTimeout` if shorter; past 1,024 such connections a
 * newcomer drops the oldest (sslsocket's `helloTimeoutMs`, `maxPendingHellos`). Events: `secureConnection` (socket), `tlsClientError` (error,
 * socket), `keylog` (line, socket) and net.Server's. Certificates and keys load at the first
 * connection or `listen()`; a bad one is an `error` event naming the option.
 *
 * `close()` is net.Server's: it stops accepting and calls back once every connection has closed.
 *
 * @example
 * const server = createServer({ cert, key, ALPNProtocols: ['h2', 'http/1.1'] }, (socket) => {
 *   socket.end(`hello over ${socket.getProtocol()}\n`);
 * }).listen(8443);
 */
export class Server extends net.Server {
  private readonly acceptor: TlsAcceptor;

  constructor(options: TlsServerOptions = {}, secureConnectionListener?: (socket: TLSSocket) => void) {
    super({ allowHalfOpen: true, pauseOnConnect: options.pauseOnConnect === true }, (tcp) => this.acceptor.accept(tcp));
    this.acceptor = new TlsAcceptor(options, this);
    if (secureConnectionListener !== undefined) this.on('secureConnection', secureConnectionListener);
  }
}

/**
 * node's `tls.createServer(options, secureConnectionListener)`.
 *
 * Throws NodeOptionError for an option it cannot honour (e.g. requestCert without ca).
 *
 * @example
 * createServer({ cert, key }, (socket) => socket.pipe(socket)).listen(0, '127.0.0.1');
 */
export function createServer(
  options: TlsServerOptions = {},
  secureConnectionListener?: (socket: TLSSocket) => void,
): Server {
  return new Server(options, secureConnectionListener);
}
