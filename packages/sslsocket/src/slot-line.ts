/**
 * `serve()`'s handshake slots: at most `limit` handshakes run at once, the connections beyond wait
 * in line in arrival order, and the line itself is bounded.
 * @module
 */
import type { Transport } from '@sslsocket/transport';
import { TimeoutError } from './errors.js';

/** A connection waiting for a slot. */
interface Waiter {
  readonly transport: Transport;
  readonly go: () => void;
  readonly drop: (error: Error) => void;
}

/**
 * A counting semaphore with a bounded FIFO line. Past `maxWaiting` waiters, a newcomer drops the one
 * that has waited longest (its transport closed, its `take()` rejected with a TimeoutError) rather
 * than being refused itself: the same policy as the pre-hello stage, so whoever floods the line
 * cannot keep later clients out for longer than the flood lasts.
 *
 * @example
 * const slots = new SlotLine(128, 1024);
 * await slots.take(transport);
 * try { await handshakeOn(transport); } finally { slots.release(); }
 */
export class SlotLine {
  private readonly line: Waiter[] = [];
  /** Slots in use now. */
  running = 0;

  /** Connections waiting in line now. */
  get waiting(): number {
    return this.line.length;
  }

  constructor(
    private readonly limit: number,
    private readonly maxWaiting: number,
  ) {}

  /** Resolves when `transport` holds a slot; call `release()` once its handshake has ended. */
  take(transport: Transport): Promise<void> {
    if (this.running < this.limit && this.line.length === 0) {
      this.running++;
      return Promise.resolve();
    }
    if (this.line.length >= this.maxWaiting) {
      this.line
        .shift()
        ?.drop(new TimeoutError(`no handshake slot: dropped as the longest waiting of ${this.maxWaiting} connections`));
    }
    return new Promise<void>((resolve, reject) => {
      this.line.push({
        transport,
        go: resolve,
        drop: (error) => {
          transport.destroy();
          reject(error);
        },
      });
    });
  }

  /** Frees a slot: the next in line (if any) takes it. */
  release(): void {
    const next = this.line.shift();
    if (next === undefined) this.running--;
    else next.go();
  }
}
