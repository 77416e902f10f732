/**
 * `@sslsocket/node-compat`: node:tls's API over sslsocket, so code written for node:tls (and the
 * libraries on top of it: https, http2, undici, ws) runs on sslsocket's engine unchanged:
 * `createServer`, `connect`, `TLSSocket` (a `stream.Duplex`), `createSecureContext`, and an
 * `https.Agent` whose sockets are sslsocket's.
 *
 * @example
 * import { connect, createServer } from '@sslsocket/node-compat';
 * const server = createServer({ cert, key }, (socket) => socket.end('hi\n')).listen(8443);
 * const client = connect({ port: 8443, ca: [cert], servername: 'localhost' }, () => client.pipe(process.stdout));
 * @module
 */

export { createSecureContext, SecureContext } from './acceptor.js';
export { Agent } from './agent.js';
export { type ConnectionOptions, connect } from './connect.js';
export { createHttpsServer, type HttpsServerOptions } from './https-server.js';
export { type NodeStyleError, nodeError } from './node-errors.js';
export {
  NodeOptionError,
  type PemOrDer,
  type SecureContextOptions,
  type TlsServerOptions,
  type TlsVersionName,
} from './options.js';
export { type NodeDistinguishedName, type NodePeerCertificate, nodeCertificate } from './peer-certificate.js';
export { createServer, Server } from './server.js';
export { type PeerVerdict, TLSSocket, type TLSSocketOptions } from './tls-socket.js';
