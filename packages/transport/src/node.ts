/**
 * `@sslsocket/transport/node`: the node:net adapters (TCP connect, listen, wrap a `net.Socket`).
 * They live in their own entry so the main entry never imports `node:net` and bundles for browsers
 * stay free of Node built-ins.
 *
 * @example
 * import { connectNode } from '@sslsocket/transport/node';
 * const transport = await connectNode('example.com', 443);
 * @module
 */

export { connectDatagram, type ListenDatagramOptions, listenDatagram } from './node-datagram.js';
export {
  connectNode,
  fromNodeSocket,
  type ListenNodeOptions,
  listenNode,
  type NodeTransportOptions,
} from './node-transport.js';
