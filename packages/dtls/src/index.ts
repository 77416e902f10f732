/**
 * `@sslsocket/dtls`: a sans-IO DTLS 1.2 engine (RFC 6347) with DTLS-SRTP (RFC 5764), built from the
 * TLS 1.2 engine's key schedule, message codecs and key exchange (`@sslsocket/handshake/tls12-kit`):
 * {@link DtlsConnection} for either side, the stateless cookie front door {@link admitDatagram} with
 * its {@link CookieGate}, and the record-layer pieces (anti-replay window, protection).
 *
 * @example
 * import { DtlsConnection } from '@sslsocket/dtls';
 * const server = DtlsConnection.server({ provider, certificateChain, privateKey });
 * server.receive(datagram);
 * for (const out of server.takeDatagrams()) send(out);
 * @module
 */
export * from './config.js';
export * from './connection.js';
export * from './constants.js';
export type { DtlsEvent } from './events.js';
export type { DtlsParameters } from './handshake/context.js';
export * from './handshake/cookie.js';
export { DtlsClientHello } from './handshake/hello.js';
export * from './record/cbc-protection.js';
export * from './record/header.js';
export * from './record/protection.js';
export * from './record/record-layer.js';
export * from './record/replay-window.js';
export * from './srtp.js';
