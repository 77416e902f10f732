/**
 * An in-memory datagram pair for tests: configurable loss, duplication, reordering (random delay)
 * and MTU, all from a seeded generator so a run replays exactly.
 * @module
 */
import { DatagramQueue } from './datagram-queue.js';
import type { DatagramTransport } from './datagram-transport.js';
import { type TransportAddress, TransportError } from './transport.js';

/** Options for {@link memoryDatagramPair}. */
export interface MemoryDatagramOptions {
  /** Probability (0..1) that a datagram is lost. */
  readonly loss?: number;
  /** Probability (0..1) that a datagram is delivered twice. */
  readonly duplicate?: number;
  /** Largest random extra delay in ms per datagram; above 0 datagrams overtake each other. */
  readonly reorderMs?: number;
  /** Datagrams larger than this many bytes are dropped, as a path with this MTU would. */
  readonly mtu?: number;
  /** Seed of the generator (default 1). */
  readonly seed?: number;
}

/** mulberry32: a small seeded PRNG (tests elsewhere reuse it through this file). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class MemoryDatagramEnd implements DatagramTransport {
  peer!: MemoryDatagramEnd;
  readonly inbox = new DatagramQueue();
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;
  private isClosed = false;
  /** Datagrams sent, lost and oversized (for tests). */
  readonly counts = { sent: 0, lost: 0, oversized: 0 };

  constructor(
    private readonly options: MemoryDatagramOptions,
    private readonly rand: () => number,
    readonly localAddress: TransportAddress,
    readonly remoteAddress: TransportAddress,
  ) {
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  receive(): Promise<Uint8Array | null> {
    return this.inbox.next();
  }

  send(datagram: Uint8Array): void {
    if (this.isClosed) throw new TransportError('EPIPE', 'send after close');
    this.counts.sent++;
    const o = this.options;
    if (o.mtu !== undefined && datagram.length > o.mtu) {
      this.counts.oversized++;
      return;
    }
    if (this.rand() < (o.loss ?? 0)) {
      this.counts.lost++;
      return;
    }
    const copies = this.rand() < (o.duplicate ?? 0) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const copy = datagram.slice();
      const delay = (o.reorderMs ?? 0) > 0 ? this.rand() * (o.reorderMs as number) : 0;
      if (delay === 0) queueMicrotask(() => this.peer.inbox.push(copy));
      else setTimeout(() => this.peer.inbox.push(copy), delay);
    }
  }

  close(): Promise<void> {
    if (!this.isClosed) {
      this.isClosed = true;
      this.inbox.end();
      this.resolveClosed();
    }
    return this.closed;
  }
}

/**
 * Two connected in-memory datagram endpoints.
 *
 * @example
 * const [client, server] = memoryDatagramPair({ loss: 0.1, reorderMs: 20, mtu: 576, seed: 7 });
 * client.send(Uint8Array.of(1));
 * await server.receive(); // Uint8Array [1] — or, with loss, never
 */
export function memoryDatagramPair(options: MemoryDatagramOptions = {}): [DatagramTransport, DatagramTransport] {
  const rand = seeded(options.seed ?? 1);
  const a: TransportAddress = { address: 'memory-a', port: 1, family: 'memory' };
  const b: TransportAddress = { address: 'memory-b', port: 2, family: 'memory' };
  const left = new MemoryDatagramEnd(options, rand, a, b);
  const right = new MemoryDatagramEnd(options, rand, b, a);
  left.peer = right;
  right.peer = left;
  return [left, right];
}
