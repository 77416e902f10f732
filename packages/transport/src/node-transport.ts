import * as net from 'node:net';
import { AcceptQueue } from './accept-queue.js';
import { ChunkQueue } from './chunk-queue.js';
import {
  type Transport,
  type TransportAddress,
  TransportError,
  type TransportListener,
  type TransportStats,
} from './transport.js';

/** Options for node adapters. */
export interface NodeTransportOptions {
  /** Pause reading once this many unread bytes are buffered (default 1 MiB). */
  readonly readHighWaterMark?: number;
  /** TCP_NODELAY (default true: TLS writes whole flights, Nagle would only delay them). */
  readonly noDelay?: boolean;
}

function address(
  host: string | undefined,
  port: number | undefined,
  family: string | undefined,
): TransportAddress | undefined {
  return host === undefined || port === undefined ? undefined : { address: host, port, family: family ?? 'IPv4' };
}

function toTransportError(error: Error & { code?: string }): TransportError {
  return error instanceof TransportError
    ? error
    : new TransportError(error.code ?? 'EIO', error.message, { cause: error });
}

/**
 * Counters of a node socket. `pendingWrite` reads net.Socket's `writableLength` when asked: bytes
 * written and not yet handed to the kernel, each write counted whole until libuv is done with it
 * (the array stays referenced until then). A copy taken at write() would stay stale after writes
 * that completed without a 'drain' (only a write that crossed the highWaterMark waits for one).
 */
class NodeSocketStats implements TransportStats {
  bytesRead = 0;
  reads = 0;
  bytesWritten = 0;
  writes = 0;

  constructor(private readonly socket: net.Socket) {}

  get pendingWrite(): number {
    return this.socket.writableLength;
  }
}

/** The node socket's queue: resumes the paused socket once reads drain it below the mark. */
class SocketQueue extends ChunkQueue {
  constructor(
    private readonly socket: net.Socket,
    readonly highWater: number,
  ) {
    super();
  }

  protected override drained(): void {
    if (this.bytes < this.highWater && this.socket.isPaused()) this.socket.resume();
  }
}

/** Where a socket's shared listeners find their transport (one slot, not a closure per event). */
const owner = Symbol('sslsocket.transport');
type OwnedSocket = net.Socket & { [owner]: NodeSocketTransport };

// One set of listener functions for every socket: node calls a listener with the emitter as
// `this`, so the transport is one property away. Per-connection closures (four listeners and the
// 'close' once-wrapper) cost about 0.4 KiB on every idle connection (#17).
function onData(this: OwnedSocket, chunk: Buffer): void {
  this[owner].received(chunk);
}
function onEnd(this: OwnedSocket): void {
  this[owner].queue.end();
}
function onError(this: OwnedSocket, error: Error): void {
  this[owner].queue.fail(toTransportError(error));
}
function onClose(this: OwnedSocket): void {
  this[owner].onClosed();
}

class NodeSocketTransport implements Transport {
  readonly stats: TransportStats;
  readonly queue: SocketQueue;
  private writeEnded = false;
  private socketClosed = false;
  /** Made when `closed` is first asked for (close() or the application): most sockets never do. */
  private closedPromise: Promise<void> | undefined;
  private resolveClosed: (() => void) | undefined;

  constructor(
    private readonly socket: net.Socket,
    options: NodeTransportOptions,
  ) {
    this.stats = new NodeSocketStats(socket);
    this.queue = new SocketQueue(socket, options.readHighWaterMark ?? 1024 * 1024);
    socket.setNoDelay(options.noDelay ?? true);
    (socket as OwnedSocket)[owner] = this;
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onError);
    // 'close' is emitted once: `on`, without once()'s wrapper and its state object.
    socket.on('close', onClose);
  }

  /** A chunk from the socket ('data'). */
  received(chunk: Buffer): void {
    this.stats.bytesRead += chunk.length;
    this.stats.reads++;
    this.queue.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
    if (this.queue.bytes >= this.queue.highWater) this.socket.pause();
  }

  /** The socket closed ('close'). */
  onClosed(): void {
    this.socketClosed = true;
    this.queue.end();
    this.resolveClosed?.();
  }

  get closed(): Promise<void> {
    if (this.closedPromise === undefined) {
      this.closedPromise = this.socketClosed
        ? Promise.resolve()
        : new Promise((resolve) => {
            this.resolveClosed = resolve;
          });
    }
    return this.closedPromise;
  }

  get remoteAddress(): TransportAddress | undefined {
    return address(this.socket.remoteAddress, this.socket.remotePort, this.socket.remoteFamily);
  }

  get localAddress(): TransportAddress | undefined {
    return address(this.socket.localAddress, this.socket.localPort, this.socket.localFamily);
  }

  read(): Promise<Uint8Array | null> {
    return this.queue.read();
  }

  write(data: Uint8Array): boolean {
    if (this.writeEnded || this.socket.destroyed) throw new TransportError('EPIPE', 'write after close');
    this.stats.bytesWritten += data.length;
    this.stats.writes++;
    return this.socket.write(data);
  }

  drained(): Promise<void> {
    if (!this.socket.writableNeedDrain || this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  closeWrite(): Promise<void> {
    if (this.writeEnded) return Promise.resolve();
    this.writeEnded = true;
    // end() on a destroyed socket never calls back (node 20), and a socket destroyed while ending
    // may not either: 'close' settles it in every case, so close() after a failure cannot hang.
    if (this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('close', done);
        resolve();
      };
      this.socket.once('close', done);
      this.socket.end(done);
    });
  }

  async close(): Promise<void> {
    await this.closeWrite();
    this.socket.destroySoon();
    // A peer that never closes its side must not keep us open forever.
    const timer = setTimeout(() => this.socket.destroy(), 2000);
    await this.closed;
    clearTimeout(timer);
  }

  destroy(error?: Error): void {
    if (error !== undefined) this.queue.fail(toTransportError(error));
    this.socket.destroy();
  }

  setNoDelay(enabled: boolean): void {
    this.socket.setNoDelay(enabled);
  }
}

/**
 * Wraps a connected `net.Socket`.
 *
 * @example
 * const transport = fromNodeSocket(net.connect(443, 'example.com'));
 */
export function fromNodeSocket(socket: net.Socket, options: NodeTransportOptions = {}): Transport {
  return new NodeSocketTransport(socket, options);
}

/** Connects over TCP; rejects with a TransportError (ECONNREFUSED, ETIMEDOUT, ...). */
export function connectNode(
  host: string,
  port: number,
  options: NodeTransportOptions & { timeoutMs?: number } = {},
): Promise<Transport> {
  return new Promise((resolve, reject) => {
    // allowHalfOpen: TLS close_notify and TCP half-close are independent; node would end our side on FIN.
    const socket = net.connect({ host, port, allowHalfOpen: true });
    const timeoutMs = options.timeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new TransportError('ETIMEDOUT', `connect to ${host}:${port} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    const failed = (error: Error): void => {
      clearTimeout(timer);
      reject(toTransportError(error));
    };
    socket.once('connect', () => {
      clearTimeout(timer);
      // off(), not removeAllListeners(): node keeps a socket's _events in a fixed shape and
      // removeListener leaves it so, while removeAllListeners deletes the key and turns it into a
      // dictionary, about 450 bytes more on every connected socket.
      socket.off('error', failed);
      resolve(fromNodeSocket(socket, options));
    });
    socket.once('error', failed);
  });
}

/** Options of {@link listenNode}. */
export interface ListenNodeOptions extends NodeTransportOptions {
  /**
   * Address to bind, an IP literal or a name (`'127.0.0.1'`, `'::1'`, `'localhost'`). Default: every
   * interface, as node's `server.listen(port)` and Erlang's `gen_tcp:listen/2` do — the unspecified
   * IPv6 address `::` (which takes IPv4 connections too) where the host has IPv6, `0.0.0.0`
   * otherwise. Pass `'127.0.0.1'` to accept only local connections.
   */
  readonly host?: string;
  /** The kernel's listen(2) backlog (default 511, as node). */
  readonly backlog?: number;
  /**
   * Accepted connections that may wait for `accept()` (default 1024). Past this a new connection is
   * reset at once rather than held: a flood of connections nobody accepts yet must not grow memory
   * and descriptors without bound.
   */
  readonly maxQueued?: number;
}

/**
 * Listens on TCP (port 0 picks a free one).
 *
 * @example
 * const listener = await listenNode(0, { host: '127.0.0.1' });
 * const transport = await listener.accept();
 */
export function listenNode(port: number, options: ListenNodeOptions = {}): Promise<TransportListener> {
  return new Promise((resolve, reject) => {
    const pending = new AcceptQueue(options.maxQueued ?? 1024);
    const server = net.createServer({ allowHalfOpen: true }, (socket) => pending.push(socket));
    // `on`, not `once`: errors after listening (EMFILE on accept, ...) must find a listener too,
    // or node throws them out of the event loop.
    server.on('error', (error) => reject(toTransportError(error)));
    // No host: node binds every interface (`::` or `0.0.0.0`), as Erlang's gen_tcp does without `ip`.
    const host = options.host === undefined ? {} : { host: options.host };
    server.listen({ port, ...host, backlog: options.backlog ?? 511 }, () => {
      const info = server.address() as net.AddressInfo;
      resolve({
        address: { address: info.address, port: info.port, family: info.family },
        get queued() {
          return pending.length;
        },
        get refused() {
          return pending.refused;
        },
        accept: async () => {
          const socket = await pending.take();
          if (socket === null) throw new TransportError('CLOSED', 'listener closed');
          return fromNodeSocket(socket, options);
        },
        // Like Erlang's close(ListenSocket): stop listening now; accepted connections live on
        // (node's close callback would wait for every one of them to end).
        close: async () => {
          pending.end();
          server.close();
        },
      });
    });
  });
}
