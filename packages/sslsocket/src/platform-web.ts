/**
 * The `#platform` module for runtimes without Node's built-ins (browsers, workers): no TCP, no
 * files, no `stream.Duplex`, no bundled roots. Each function says what to use instead; nothing
 * here imports a `node:` module.
 *
 * @example
 * import { connectTcp } from '#platform';
 * @module
 */
import type { DatagramListener, DatagramTransport, Transport, TransportListener } from '@sslsocket/transport';
import type { ListenDatagramOptions, NodeTransportOptions } from '@sslsocket/transport/node';

const NO_TCP = 'needs TCP, which this runtime lacks: pass a Transport (fromWebSocket, fromWebStreams) instead';

export function connectTcp(
  _host: string,
  _port: number,
  _options?: NodeTransportOptions & { timeoutMs?: number },
): Promise<Transport> {
  return Promise.reject(new TypeError(`connect(host, port) ${NO_TCP}`));
}

export function listenTcp(
  _port: number,
  _options?: NodeTransportOptions & { host?: string; maxQueued?: number },
): Promise<TransportListener> {
  return Promise.reject(new TypeError(`listen(port) ${NO_TCP}`));
}

/** No DTLS in browser bundles: it needs UDP, which browsers lack (and the engine stays out of the bundle). */
export function loadDtls(): Promise<typeof import('./dtls-api.js')> {
  return Promise.reject(new TypeError("protocol: 'dtls' needs UDP, which this runtime lacks"));
}

/** No UDP here: DTLS needs a DatagramTransport passed in (none exists in browsers). */
export function connectUdp(_host: string, _port: number): Promise<DatagramTransport> {
  return Promise.reject(new TypeError('connect(host, port, { protocol: dtls }) needs UDP, which this runtime lacks'));
}

export function listenUdp(_port: number, _options?: ListenDatagramOptions): Promise<DatagramListener> {
  return Promise.reject(new TypeError('listen(port, { protocol: dtls }) needs UDP, which this runtime lacks'));
}

export function readTextFile(path: string): Promise<string> {
  return Promise.reject(
    new TypeError(`cannot read ${path}: this runtime has no files; pass PEM text (cert, key, cacerts)`),
  );
}

/** No files here either for binary contents (an OCSP staple): pass the bytes instead. */
export function readBinaryFile(path: string): Promise<Uint8Array> {
  return Promise.reject(new TypeError(`cannot read ${path}: this runtime has no files; pass the bytes (ocspResponse)`));
}

/** No bundled roots here: clients pass `cacerts`. */
export function platformRoots(): readonly string[] {
  return [];
}

export function appendLine(_path: string, _line: string): void {}

export function environment(_name: string): string | undefined {
  return undefined;
}

/** toDuplex() is for Node's HTTP stack; it has nothing to wrap here. */
export class PlatformDuplex {
  constructor() {
    throw new TypeError('toDuplex() needs node:stream (Node, Deno, Bun)');
  }
}
