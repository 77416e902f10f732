import * as http from 'node:http';
import type * as net from 'node:net';
import { TlsAcceptor } from './acceptor.js';
import type { TlsServerOptions } from './options.js';

/** Options of {@link createHttpsServer}: node's TLS options and http.Server's. */
export type HttpsServerOptions = TlsServerOptions & http.ServerOptions;

/**
 * node's `https.createServer(options, requestListener)` over sslsocket: node's own `http.Server`
 * (so `headersTimeout`, `requestTimeout`, `keepAliveTimeout`, `close()`, `closeIdleConnections()`,
 * `address()` are node's) whose TCP connections are upgraded by sslsocket before HTTP sees them,
 * as node's https.Server does with node:tls. Also emits `secureConnection`, `tlsClientError` and
 * `keylog` like a tls.Server.
 *
 * Feeding an http.Server that never listens (`emit('connection', socket)`) loses node's
 * timeouts: node arms them when the server emits `listening`. This server listens itself.
 *
 * @example
 * const server = createHttpsServer({ cert, key }, (req, res) => res.end('hello')).listen(8443);
 */
export function createHttpsServer(options: HttpsServerOptions, requestListener?: http.RequestListener): http.Server {
  const server = http.createServer(options, requestListener);
  // node's HTTP connection handler, moved from raw TCP to the TLS sockets.
  const httpConnection = server.listeners('connection') as ((socket: net.Socket) => void)[];
  server.removeAllListeners('connection');
  const acceptor = new TlsAcceptor(options, server);
  server.on('connection', (tcp: net.Socket) => acceptor.accept(tcp));
  for (const listener of httpConnection) server.on('secureConnection', listener);
  return server;
}
