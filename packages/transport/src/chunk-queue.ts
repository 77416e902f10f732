import { TransportError } from './transport.js';

/**
 * Received chunks waiting for `read()`, with the bookkeeping every adapter needs: end of stream,
 * a stored error, one waiting reader, and a byte count for pausing the source.
 */
export class ChunkQueue {
  /** The shared empty NONE whenever everything was read: an idle connection keeps no array (#17). */
  private chunks: Uint8Array[] = NONE;
  private head = 0;
  private waiting: { resolve: (chunk: Uint8Array | null) => void; reject: (error: Error) => void } | undefined;
  private ended = false;
  private failure: Error | undefined;
  bytes = 0;

  /** `onDrain` runs whenever a read takes from the queue (the source may resume). */
  constructor(private readonly onDrain: () => void = noDrain) {}

  /** A read took from the queue; subclasses that own their source override this (no closure each). */
  protected drained(): void {
    this.onDrain();
  }

  get isEnded(): boolean {
    return this.ended;
  }

  push(chunk: Uint8Array): void {
    if (this.ended || chunk.length === 0) return;
    if (this.waiting !== undefined) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve(chunk);
      return;
    }
    if (this.chunks === NONE) this.chunks = [chunk];
    else this.chunks.push(chunk);
    this.bytes += chunk.length;
  }

  end(): void {
    this.ended = true;
    if (this.waiting !== undefined && this.head >= this.chunks.length) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve(null);
    }
  }

  fail(error: Error): void {
    if (this.failure !== undefined || this.ended) return;
    this.failure = error;
    this.ended = true;
    if (this.waiting !== undefined) {
      const { reject } = this.waiting;
      this.waiting = undefined;
      reject(error);
    }
  }

  read(): Promise<Uint8Array | null> {
    if (this.head < this.chunks.length) {
      const chunk = this.chunks[this.head] as Uint8Array;
      this.chunks[this.head++] = EMPTY;
      if (this.head === this.chunks.length) {
        this.chunks = NONE;
        this.head = 0;
      } else if (this.head > 64 && this.head * 2 > this.chunks.length) {
        this.chunks.splice(0, this.head);
        this.head = 0;
      }
      this.bytes -= chunk.length;
      this.drained();
      return Promise.resolve(chunk);
    }
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve(null);
    if (this.waiting !== undefined) return Promise.reject(new TransportError('EBUSY', 'read() already pending'));
    this.drained();
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }
}

const EMPTY = new Uint8Array(0);
/** The empty list of a queue with nothing unread; never pushed to (push() replaces it first). */
const NONE: never[] = [];
const noDrain = (): void => {};
