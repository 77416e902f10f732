/**
 * `sslsocket`: TLS 1.3 over any reliable byte stream, with the Erlang/OTP `ssl` API in TypeScript.
 *
 * @example
 * import { connect } from 'sslsocket';
 * const socket = await connect('127.0.0.1', 8443, { verify: 'verify_none' });
 * await socket.send('hello');
 * console.log(new TextDecoder().decode(await socket.recv()));
 * await socket.close();
 *
 * @module
 */

export {
  MemorySessionStore,
  type MemorySessionStoreOptions,
  type ServerSession12,
  ServerSessionCache,
  type SessionStore,
  SessionStoreError,
  type TicketKeyProvider,
  type TicketKeySet,
} from '@sslsocket/handshake';
export {
  generateCaChain,
  generateSelfSigned,
  type PublicSuffixLookup,
  parseCertificate,
  setPublicSuffixList,
  verifyChain,
} from '@sslsocket/pkix';
export {
  appendCipherSuites,
  cipherSuites,
  eccs,
  filterCipherSuites,
  NotTlsAlert,
  type NotTlsKind,
  prependCipherSuites,
  signatureAlgs,
  strToSuite,
  suiteToOpensslStr,
  suiteToStr,
  TlsAlert,
  versions,
} from '@sslsocket/suites';
// The transports that work everywhere, browsers included (node:net ones: '@sslsocket/transport/node').
export {
  connectDeno,
  fromDenoConn,
  fromWebSocket,
  fromWebStreams,
  memoryDatagramPair,
  memoryPair,
  type Transport,
  TransportError,
  type WebSocketLike,
  type WebStreamPair,
  webSocketTransport,
} from '@sslsocket/transport';
export {
  connect,
  handshake,
  handshakeCancel,
  handshakeContinue,
  type ListenAddressOptions,
  listen,
  SslListenSocket,
} from './api.js';
export type { DtlsListenSocket } from './dtls-api.js';
export type { DtlsClientOptions, DtlsOptions, DtlsServerOptions } from './dtls-options.js';
export type { DtlsConnectionInformation, DtlsSocket } from './dtls-socket.js';
export { toDuplex } from './duplex.js';
export { clearPemCache, resolveProvider } from './engine-config.js';
export { formatError, SocketStateError, TimeoutError } from './errors.js';
export type * from './limit-options.js';
export { listenOn } from './listen-on.js';
export { DEFAULT_MAX_PACKET, type PacketMode } from './packet-framing.js';
export { type ServableListener, type ServeOptions, type Serving, serve } from './serve.js';
export { clearSessions } from './session-store.js';
export { signatureAlgsToEngine } from './signature-algs.js';
export type * from './socket-options.js';
export {
  type ConnectionInformation,
  type HelloExtensions,
  type InformationItem,
  type PeerClose,
  type SecretInformationItem,
  SslSocket,
  type SslSocketEvents,
} from './ssl-socket.js';
export type * from './tls12-options.js';
export { defaultRoots } from './trust-store.js';
export {
  OptionError,
  validateClientOptions,
  validateServerOptions,
  validateSocketOptions,
} from './validate-options.js';
