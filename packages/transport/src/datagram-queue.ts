/**
 * A queue of received datagrams with waiting readers, bounded so a flood drops datagrams (as a
 * full socket buffer would) instead of growing without limit.
 * @module
 */
export class DatagramQueue {
  private items: Uint8Array[] = [];
  private waiters: ((d: Uint8Array | null) => void)[] = [];
  private ended = false;

  constructor(private readonly limit = 1024) {}

  /** Hands a datagram to a waiting reader or queues it; dropped when full or ended. */
  push(datagram: Uint8Array): void {
    if (this.ended) return;
    const waiter = this.waiters.shift();
    if (waiter !== undefined) waiter(datagram);
    else if (this.items.length < this.limit) this.items.push(datagram);
  }

  next(): Promise<Uint8Array | null> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** No more datagrams: queued ones are still read, then null. */
  end(): void {
    this.ended = true;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w(null);
  }
}
