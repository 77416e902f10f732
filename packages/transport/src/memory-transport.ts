import { ChunkQueue } from './chunk-queue.js';
import { newStats, type Transport, type TransportAddress, TransportError, type TransportStats } from './transport.js';

/** Options for {@link memoryPair}. */
export interface MemoryPairOptions {
  /** Bytes a side may have unread before the writer is told to wait (default 1 MiB). */
  readonly highWaterMark?: number;
  /** Split every write into chunks of at most this many bytes (to exercise framing). */
  readonly chunkSize?: number;
}

class MemoryEnd implements Transport {
  readonly stats: TransportStats = newStats();
  readonly closed: Promise<void>;
  peer!: MemoryEnd;
  readonly inbox: ChunkQueue;
  private drainWaiters: (() => void)[] = [];
  private writeClosed = false;
  private resolveClosed!: () => void;
  private isClosed = false;

  constructor(
    private readonly options: MemoryPairOptions,
    readonly localAddress: TransportAddress,
    readonly remoteAddress: TransportAddress,
  ) {
    this.inbox = new ChunkQueue(() => this.peer.notifyDrain());
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  private get highWater(): number {
    return this.options.highWaterMark ?? 1024 * 1024;
  }

  notifyDrain(): void {
    if (this.peer.inbox.bytes >= this.highWater) return;
    this.stats.pendingWrite = this.peer.inbox.bytes;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  read(): Promise<Uint8Array | null> {
    return this.inbox.read().then((chunk) => {
      if (chunk !== null) {
        this.stats.bytesRead += chunk.length;
        this.stats.reads++;
      }
      return chunk;
    });
  }

  write(data: Uint8Array): boolean {
    if (this.writeClosed || this.isClosed) throw new TransportError('EPIPE', 'write after close');
    this.stats.bytesWritten += data.length;
    this.stats.writes++;
    const size = this.options.chunkSize ?? data.length;
    for (let at = 0; at < data.length; at += size) this.peer.inbox.push(data.subarray(at, at + size));
    this.stats.pendingWrite = this.peer.inbox.bytes;
    return this.peer.inbox.bytes < this.highWater;
  }

  drained(): Promise<void> {
    if (this.peer.inbox.bytes < this.highWater || this.isClosed) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  async closeWrite(): Promise<void> {
    if (this.writeClosed) return;
    this.writeClosed = true;
    this.peer.inbox.end();
    if (this.peer.writeClosed) {
      this.finish();
      this.peer.finish();
    }
  }

  async close(): Promise<void> {
    await this.closeWrite();
    this.finish();
    this.peer.inbox.end();
  }

  destroy(error?: Error): void {
    this.writeClosed = true;
    this.inbox.end();
    if (error !== undefined) this.peer.inbox.fail(new TransportError('ECONNRESET', error.message, { cause: error }));
    else this.peer.inbox.fail(new TransportError('ECONNRESET', 'peer destroyed the connection'));
    this.finish();
    this.peer.finish();
  }

  finish(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const resolve of this.drainWaiters) resolve();
    this.drainWaiters = [];
    this.resolveClosed();
  }

  setNoDelay(): void {}
}

/**
 * Two connected in-memory transports, for tests and benchmarks: what one writes the other reads,
 * with bounded buffering.
 *
 * @example
 * const [client, server] = memoryPair({ chunkSize: 1 }); // every byte its own chunk
 */
export function memoryPair(options: MemoryPairOptions = {}): [Transport, Transport] {
  const a = new MemoryEnd(
    options,
    { address: 'memory', port: 1, family: 'memory' },
    { address: 'memory', port: 2, family: 'memory' },
  );
  const b = new MemoryEnd(
    options,
    { address: 'memory', port: 2, family: 'memory' },
    { address: 'memory', port: 1, family: 'memory' },
  );
  a.peer = b;
  b.peer = a;
  return [a, b];
}
