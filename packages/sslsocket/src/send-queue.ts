/**
 * The per-connection write-queue bound (`sendQueueLimit`): a peer that never reads must not make
 * us buffer without limit. While more than `limit` bytes wait in the transport's write buffer,
 * further sends wait here, in order, and go out as the transport drains — backpressure, never data
 * loss: each send() settles once its bytes were handed on (or rejects with the socket's failure).
 * A sender that awaits each send() holds at most one send beyond the limit.
 * @module
 */
import type { Transport } from '@sslsocket/transport';

/** Default `sendQueueLimit`: 256 KiB of ciphertext queued for the transport. */
export const DEFAULT_SEND_QUEUE_LIMIT = 256 * 1024;

/** `emptied()` of a queue nothing ever waited in: one shared Promise, not one per socket. */
const NOTHING_WAITED: Promise<void> = Promise.resolve();

interface Waiting {
  readonly data: Uint8Array | string;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class SendQueue {
  private readonly waiting: Waiting[] = [];
  private draining = false;
  private lastSettled: Promise<void> = NOTHING_WAITED;

  constructor(
    private readonly transport: Transport,
    readonly limit: number = DEFAULT_SEND_QUEUE_LIMIT,
  ) {}

  /** True when a send must wait: earlier sends wait, or the transport holds more than the limit. */
  get blocks(): boolean {
    return this.waiting.length > 0 || this.transport.stats.pendingWrite > this.limit;
  }

  /** Bytes of plaintext waiting here (for monitoring and tests). */
  get queued(): number {
    let bytes = 0;
    for (const w of this.waiting) bytes += w.data.length;
    return bytes;
  }

  /** Queues `data`; `sendNow` hands it to the engine once the transport drained below the limit. */
  enqueue(data: Uint8Array | string, sendNow: (data: Uint8Array | string) => Promise<void>): Promise<void> {
    let entry: Waiting | undefined;
    const sent = new Promise<void>((resolve, reject) => {
      entry = { data, resolve, reject };
    });
    this.waiting.push(entry as Waiting);
    // Waiting sends settle in order, so the last one settling means all have.
    this.lastSettled = sent.then(
      () => undefined,
      () => undefined,
    );
    void this.drain(sendNow);
    return sent;
  }

  /** Resolves once no send waits here (each was handed on, or rejected). */
  emptied(): Promise<void> {
    return this.waiting.length === 0 ? Promise.resolve() : this.lastSettled;
  }

  /** Rejects every waiting send (the socket failed or closed). */
  failAll(error: unknown): void {
    for (const w of this.waiting.splice(0)) w.reject(error);
  }

  private async drain(sendNow: (data: Uint8Array | string) => Promise<void>): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.waiting.length > 0) {
        // drained() resolves once the buffer emptied or the transport closed; either way the
        // next send goes ahead (and rejects with the failure when the transport is gone).
        if (this.transport.stats.pendingWrite > this.limit) await this.transport.drained();
        const next = this.waiting.shift();
        if (next === undefined) break;
        sendNow(next.data).then(next.resolve, next.reject);
      }
    } finally {
      this.draining = false;
    }
  }
}
