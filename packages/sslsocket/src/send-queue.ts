/**
 * The per-connection bound on unread output (`sendQueueLimit`): a peer that never reads must not
 * make us buffer without limit. What counts is everything this socket itself holds for the peer
 * (see {@link SendTarget.held}): ciphertext the transport accepted and has not passed to the
 * operating system, records sealed and not yet written, and small sends gathered for the next record.
 *
 * While that reaches the limit, further sends wait here, in order, and go out as the transport
 * drains — backpressure, never data loss: each send() settles once its bytes were handed on (or
 * rejects with the socket's failure). A send larger than the room left is sealed in parts: what fits
 * now, the rest at the head of this queue, so one large send cannot take the held bytes past
 * `limit` + one record either.
 * @module
 */
import { STAGE_LIMIT } from './send-coalescer.js';

/**
 * Default `sendQueueLimit`: 256 KiB. node:tls holds what its application wrote until `write()`
 * returned false — its 16 KiB writable highWaterMark plus the write that crossed it, however large —
 * and OpenSSL holds that write's ciphertext, so an application writing 64 KiB or 256 KiB chunks
 * costs node:tls about one chunk per connection, with no upper bound. Here the bound is strict
 * (a larger send is sealed in parts), and 256 KiB lets a bulk sender's 256 KiB send leave as one
 * transport write (bench/: bulk rows), which keeps the kernel's socket buffer full at no extra cost.
 */
export const DEFAULT_SEND_QUEUE_LIMIT = 256 * 1024;

/**
 * Plaintext bytes a send may seal now, `held` bytes being held against `limit`: the room left, but
 * at least one record's worth (a limit below 16 KiB still lets records of full size out, one at a
 * time). Also used before a socket has a queue (it makes one only when a send first waits).
 */
export function sendAllowance(limit: number, held: number): number {
  return Math.max(limit - held, STAGE_LIMIT);
}

/** `emptied()` of a queue nothing ever waited in: one shared Promise, not one per socket. */
const NOTHING_WAITED: Promise<void> = Promise.resolve();

/** The socket side the queue watches. */
export interface SendTarget {
  /**
   * Bytes this socket holds for the peer right now: the transport's `stats.pendingWrite`, records
   * handed to the engine and not yet written, and small sends gathered for the next record.
   */
  held(): number;
  /** Writes what is gathered and resolves once the transport drained (or closed). */
  room(): Promise<void>;
}

interface Waiting {
  /** The send's length (plaintext bytes, or UTF-16 units of a string not yet encoded). */
  readonly length: number;
  /** Hands the send on (seals it, or part of it). */
  readonly run: () => Promise<void>;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export class SendQueue {
  private readonly waiting: Waiting[] = [];
  private draining = false;
  private lastSettled: Promise<void> = NOTHING_WAITED;

  constructor(
    private readonly target: SendTarget,
    readonly limit: number = DEFAULT_SEND_QUEUE_LIMIT,
  ) {}

  /** True when a send must wait: earlier sends wait, or the socket holds `limit` bytes or more. */
  get blocks(): boolean {
    return this.waiting.length > 0 || this.target.held() >= this.limit;
  }

  /** Bytes of plaintext waiting here (for monitoring and tests). */
  get queued(): number {
    let bytes = 0;
    for (const w of this.waiting) bytes += w.length;
    return bytes;
  }

  /** Queues a send of `length` behind the sends already waiting; `run` hands it on once there is room. */
  enqueue(length: number, run: () => Promise<void>): Promise<void> {
    return this.add(length, run, false);
  }

  /** Queues the rest of a send that was sealed in part: it goes before every send waiting here. */
  enqueueFirst(length: number, run: () => Promise<void>): Promise<void> {
    return this.add(length, run, true);
  }

  /** Resolves once no send waits here (each was handed on, or rejected). */
  emptied(): Promise<void> {
    return this.waiting.length === 0 ? Promise.resolve() : this.lastSettled;
  }

  /** Rejects every waiting send (the socket failed or closed). */
  failAll(error: unknown): void {
    for (const w of this.waiting.splice(0)) w.reject(error);
  }

  private add(length: number, run: () => Promise<void>, first: boolean): Promise<void> {
    let entry: Waiting | undefined;
    const sent = new Promise<void>((resolve, reject) => {
      entry = { length, run, resolve, reject };
    });
    if (first) this.waiting.unshift(entry as Waiting);
    else this.waiting.push(entry as Waiting);
    // Waiting sends settle in order, so the last one settling means all have.
    if (!first || this.waiting.length === 1) {
      this.lastSettled = sent.then(
        () => undefined,
        () => undefined,
      );
    }
    void this.drain();
    return sent;
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.waiting.length > 0) {
        // room() resolves once the buffer emptied or the transport closed; either way the next
        // send goes ahead (and rejects with the failure when the transport is gone).
        if (this.target.held() >= this.limit) await this.target.room();
        const next = this.waiting.shift();
        if (next === undefined) break;
        next.run().then(next.resolve, next.reject);
      }
    } finally {
      this.draining = false;
    }
  }
}
