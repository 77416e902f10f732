/**
 * `@sslsocket/transport`: one small Transport interface (Erlang's `cb_info` counterpart) and
 * adapters for node:net, Deno.Conn, Web Streams, and an in-memory pair.
 * @module
 */
export { connectDeno, type DenoConnLike, fromDenoConn, listenDeno } from './deno-transport.js';
export { type MemoryPairOptions, memoryPair } from './memory-transport.js';
export {
  connectNode,
  fromNodeSocket,
  listenNode,
  type NodeTransportOptions,
  type TransportListener,
} from './node-transport.js';
export * from './transport.js';
export { fromWebStreams, type WebStreamPair } from './web-streams-transport.js';
