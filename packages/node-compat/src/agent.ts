import * as https from 'node:https';
import { type ConnectionOptions, connect } from './connect.js';
import type { TLSSocket } from './tls-socket.js';

/** The session cache methods node's https.Agent has (not in its type declarations). */
interface AgentSessionCache {
  _getSession?(key: string): Uint8Array | undefined;
  _cacheSession?(key: string, session: Uint8Array): void;
  _evictSession?(key: string): void;
}

/**
 * node's `https.Agent` whose connections are sslsocket {@link TLSSocket}s: keep-alive pooling,
 * `maxSockets`, timeouts and the per-origin session cache behave as in node, because they are
 * node's own code.
 *
 * @example
 * const agent = new Agent({ keepAlive: true, ca: [caPem] });
 * https.get('https://localhost:8443/', { agent }, (res) => res.resume());
 */
export class Agent extends https.Agent {
  override createConnection(
    requestOptions: https.RequestOptions,
    callback?: (error: Error | null, socket: TLSSocket) => void,
  ): TLSSocket {
    // node passes its request options, unset ones as undefined: the facade reads node's names.
    const options = requestOptions as ConnectionOptions & { _agentKey?: string };
    const cache = this as unknown as AgentSessionCache;
    const key = options._agentKey;
    const session = options.session ?? (key === undefined ? undefined : cache._getSession?.(key));
    const socket = connect({ ...options, ...(session === undefined ? {} : { session }) });
    if (key !== undefined) {
      socket.on('session', (next: Uint8Array) => cache._cacheSession?.(key, next));
      socket.once('close', (hadError: boolean) => {
        if (hadError) cache._evictSession?.(key);
      });
    }
    if (callback !== undefined) socket.once('secureConnect', () => callback(null, socket));
    return socket;
  }
}
