/**
 * `@sslsocket/handshake`: the sans-IO TLS 1.3 and 1.2 engine (ClientConnection, ServerConnection), the
 * handshake message and extension codecs, and the TLS 1.3 key schedule.
 * @module
 */
export * from './config.js';
export * from './connection.js';
export type { ConnectionEvent, NegotiatedParameters } from './events.js';
export * from './messages/index.js';
export type { TicketState } from './tickets.js';
export { type ServerSession12, ServerSessionCache } from './tls12/session.js';
export * as keySchedule13 from './tls13/key-schedule.js';
export { Transcript } from './transcript.js';
