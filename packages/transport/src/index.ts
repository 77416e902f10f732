/**
 * `@sslsocket/transport`: one small Transport interface (Erlang's `cb_info` counterpart) and
 * adapters for Deno.Conn, Deno UDP datagrams, Web Streams, a WebSocket (to a WebSocket-to-TCP
 * bridge) and an in-memory pair. The node:net adapters are in `@sslsocket/transport/node`, so
 * this entry never imports a Node built-in and bundles for browsers as it is.
 * @module
 */

export type { ListenDatagramOptions } from './datagram-demux.js';
export type { AdmitDatagram, DatagramListener, DatagramTransport, ReadmitDatagram } from './datagram-transport.js';
export { connectDenoDatagram, listenDenoDatagram } from './deno-datagram.js';
export { connectDeno, type DenoConnLike, fromDenoConn, listenDeno } from './deno-transport.js';
export { type MemoryDatagramOptions, memoryDatagramPair } from './memory-datagram.js';
export { type MemoryPairOptions, memoryPair } from './memory-transport.js';
export * from './transport.js';
export { fromWebStreams, type WebStreamPair } from './web-streams-transport.js';
export { fromWebSocket, type WebSocketLike, webSocketTransport } from './websocket-transport.js';
