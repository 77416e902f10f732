/**
 * `@sslsocket/handshake`: the sans-IO TLS 1.3 and 1.2 engine — {@link ClientConnection} and
 * {@link ServerConnection}, their configuration, events and errors, the TLS 1.2 server session
 * cache — with the handshake message and extension codecs under the `messages` namespace.
 *
 * @example
 * import { ClientConnection, messages } from '@sslsocket/handshake';
 * const conn = new ClientConnection({ provider, serverName: 'example.com', verifyCertificate });
 * const type = messages.HandshakeType.client_hello;
 * @module
 */
export { certificateSpki, type NegotiatedCertificateTypes, rawPublicKeyOf } from './certificate-type.js';
export * from './config.js';
export { ClientConnection, Connection, ServerConnection } from './connection.js';
export { ConnectionStateError, SessionStoreError } from './errors.js';
export type { ConnectionEvent, NegotiatedParameters } from './events.js';
export * as messages from './messages/index.js';
export {
  decodeStoredSession12,
  decodeStoredTicket13,
  encodeStoredSession12,
  encodeStoredTicket13,
  SESSION_FORMAT_VERSION,
} from './session-codec.js';
export { MemorySessionStore, type MemorySessionStoreOptions, type SessionStore } from './session-store.js';
export { statefulTickets } from './stateful-tickets.js';
export type { TicketKeyProvider, TicketKeySet, TicketKeys } from './ticket-keys.js';
export type { TicketState, TicketStore } from './tickets.js';
export { type ServerSession12, ServerSessionCache } from './tls12/session.js';
