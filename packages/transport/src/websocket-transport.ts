import { ChunkQueue } from './chunk-queue.js';
import { newStats, type Transport, type TransportAddress, TransportError, type TransportStats } from './transport.js';

/** What a WebSocket event carries that the adapter reads (`data` on message events). */
// biome-ignore lint/suspicious/noExplicitAny: DOM and ws type their events differently; only `data` is read.
type MessageEventLike = any;

/**
 * The part of the WHATWG `WebSocket` the adapter uses (browsers, Deno, Node ≥ 22, or the `ws`
 * package's client): binary messages in both directions.
 */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: Uint8Array<ArrayBuffer>): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: MessageEventLike) => void): void;
}

const OPEN = 1;
const CLOSED = 3;
/** Above this many bytes queued in the WebSocket, `write()` asks the caller to wait for `drained()`. */
const HIGH_WATER = 256 * 1024;

/**
 * A Transport over a WebSocket whose other end relays bytes to a TCP server (a WebSocket-to-TCP
 * bridge such as websockify): each binary message is a slice of the TCP stream. A WebSocket has no
 * half-close, so `closeWrite()` only stops writing; `close()` closes the WebSocket (code 1000).
 */
class WebSocketTransport implements Transport {
  readonly stats: TransportStats = newStats();
  readonly closed: Promise<void>;
  readonly remoteAddress: TransportAddress | undefined = undefined;
  readonly localAddress: TransportAddress | undefined = undefined;
  private readonly queue = new ChunkQueue();
  private readonly opened: Promise<void>;
  private writeEnded = false;

  constructor(private readonly socket: WebSocketLike) {
    socket.binaryType = 'arraybuffer';
    this.opened =
      socket.readyState === OPEN
        ? Promise.resolve()
        : new Promise((resolve, reject) => {
            socket.addEventListener('open', () => resolve());
            socket.addEventListener('error', () => reject(new TransportError('ECONNREFUSED', 'WebSocket failed')));
          });
    this.opened.catch(() => undefined);
    socket.addEventListener('message', (event) => {
      const data: unknown = event.data;
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : data instanceof Uint8Array ? data : undefined;
      if (bytes === undefined) {
        this.queue.fail(new TransportError('EPROTO', 'the bridge sent a text message; TLS needs binary messages'));
        return;
      }
      this.stats.bytesRead += bytes.length;
      this.stats.reads++;
      this.queue.push(bytes);
    });
    socket.addEventListener('error', () => this.queue.fail(new TransportError('ECONNRESET', 'WebSocket error')));
    this.closed = new Promise((resolve) => {
      socket.addEventListener('close', () => {
        this.queue.end();
        resolve();
      });
    });
  }

  /** Waits for the WebSocket to open (rejects when it fails to). */
  ready(): Promise<void> {
    return this.opened;
  }

  read(): Promise<Uint8Array | null> {
    return this.queue.read();
  }

  write(data: Uint8Array): boolean {
    if (this.writeEnded || this.socket.readyState >= 2) throw new TransportError('EPIPE', 'write after close');
    this.stats.bytesWritten += data.length;
    this.stats.writes++;
    // Records are never views of a SharedArrayBuffer; DOM typings want the plain kind.
    const message = data as Uint8Array<ArrayBuffer>;
    if (this.socket.readyState === OPEN) this.socket.send(message);
    else
      void this.opened.then(
        () => this.socket.send(message),
        () => undefined,
      );
    this.stats.pendingWrite = this.socket.bufferedAmount;
    return this.socket.bufferedAmount < HIGH_WATER;
  }

  async drained(): Promise<void> {
    // WebSocket has no drain event: look at bufferedAmount now and then.
    while (this.socket.readyState === OPEN && this.socket.bufferedAmount >= HIGH_WATER) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    this.stats.pendingWrite = this.socket.bufferedAmount;
  }

  async closeWrite(): Promise<void> {
    this.writeEnded = true;
  }

  async close(): Promise<void> {
    this.writeEnded = true;
    if (this.socket.readyState !== CLOSED) this.socket.close(1000);
    await this.closed;
  }

  destroy(error?: Error): void {
    if (error !== undefined) this.queue.fail(new TransportError('ECONNRESET', error.message, { cause: error }));
    this.queue.end();
    this.writeEnded = true;
    if (this.socket.readyState !== CLOSED) this.socket.close(1000);
  }

  setNoDelay(): void {}
}

/**
 * Wraps a WebSocket (open or still connecting) to a WebSocket-to-TCP bridge as a Transport; writes
 * made before it opens are sent when it does.
 *
 * @example
 * const transport = fromWebSocket(new WebSocket('wss://bridge.example/tcp'));
 * const socket = await connect(transport, { host: 'example.com', cacerts: [rootPem] });
 */
export function fromWebSocket(socket: WebSocketLike): Transport {
  return new WebSocketTransport(socket);
}

/**
 * Opens a WebSocket with the runtime's `WebSocket` and resolves once it is open; rejects with a
 * TransportError('ECONNREFUSED') when it cannot.
 *
 * @example
 * const transport = await webSocketTransport('ws://127.0.0.1:8080/');
 */
export async function webSocketTransport(url: string, protocols?: string | string[]): Promise<Transport> {
  const WebSocketClass = (
    globalThis as { WebSocket?: new (url: string, protocols?: string | string[]) => WebSocketLike }
  ).WebSocket;
  if (WebSocketClass === undefined) throw new TransportError('ENOTSUP', 'this runtime has no global WebSocket');
  const transport = new WebSocketTransport(new WebSocketClass(url, protocols));
  await transport.ready();
  return transport;
}
