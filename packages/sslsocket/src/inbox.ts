import { TimeoutError } from './errors.js';

/** The empty buffer list every inbox starts with; never pushed to (push() replaces it first). */
const NONE: never[] = [];

/** A recv() length meaning "one whole chunk", as framed packet modes read. */
export const WHOLE_CHUNK = -1;

/** A pending passive-mode recv(). */
interface RecvWaiter {
  length: number;
  resolve: (data: Uint8Array) => void;
  reject: (error: Error) => void;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * Received plaintext not yet read in passive mode, the one pending `recv()`, and the backpressure
 * signal to the read loop (it stops reading the transport while `bytes >= highWaterMark`).
 */
export class Inbox {
  /** The shared empty NONE until data arrives: an idle connection keeps no array (#17). */
  private chunks: Uint8Array[] = NONE;
  /** Bytes buffered. */
  bytes = 0;
  private recvWaiter: RecvWaiter | undefined;
  private consumerWaiter: (() => void) | undefined;

  constructor(readonly highWaterMark: number) {}

  /** The oldest buffered chunk, as the engine produced it. */
  get head(): Uint8Array | undefined {
    return this.chunks[0];
  }

  get full(): boolean {
    return this.bytes >= this.highWaterMark;
  }

  get hasWaiter(): boolean {
    return this.recvWaiter !== undefined;
  }

  push(data: Uint8Array): void {
    if (this.chunks === NONE) this.chunks = [data];
    else this.chunks.push(data);
    this.bytes += data.length;
  }

  /** Drops everything buffered (shutdown('read')). */
  clear(): void {
    this.chunks.length = 0;
    this.bytes = 0;
  }

  /** Takes up to `length` bytes (0 = everything buffered) from the inbox. */
  take(length: number): Uint8Array {
    const head = this.chunks[0];
    // Fast path: hand over a whole buffered chunk instead of copying it (the engine already copied
    // it out of the record buffer, so nobody else holds it).
    if (head !== undefined && (length === 0 || length === head.length) && (length !== 0 || this.chunks.length === 1)) {
      this.chunks.shift();
      this.bytes -= head.length;
      this.wakeProducer();
      return head;
    }
    const wanted = length === 0 ? this.bytes : length;
    const out = new Uint8Array(wanted);
    let filled = 0;
    while (filled < wanted) {
      const head = this.chunks[0] as Uint8Array;
      const part = Math.min(head.length, wanted - filled);
      out.set(head.subarray(0, part), filled);
      filled += part;
      if (part === head.length) this.chunks.shift();
      else this.chunks[0] = head.subarray(part);
    }
    this.bytes -= wanted;
    this.wakeProducer();
    return out;
  }

  /**
   * True when `length` bytes (0: at least one) can be taken now. {@link WHOLE_CHUNK} asks for one
   * buffered chunk as it was delivered (a packet in Erlang's packet modes; it may be empty).
   */
  has(length: number): boolean {
    if (length === WHOLE_CHUNK) return this.chunks.length > 0;
    return length === 0 ? this.bytes > 0 : this.bytes >= length;
  }

  /** `take(length)`, where {@link WHOLE_CHUNK} takes the oldest chunk whole. */
  takeUnit(length: number): Uint8Array {
    return length === WHOLE_CHUNK ? this.takeChunk() : this.take(length);
  }

  /** The oldest chunk, whole (callers check `head` first). */
  takeChunk(): Uint8Array {
    const head = this.chunks.shift() as Uint8Array;
    this.bytes -= head.length;
    this.wakeProducer();
    return head;
  }

  /** Resolves when the reader takes data (or `wake()` is called): the read loop's backpressure wait. */
  waitForRoom(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.consumerWaiter = resolve;
    });
  }

  /** Releases the read loop unconditionally (mode change, failure). */
  wake(): void {
    const waiter = this.consumerWaiter;
    this.consumerWaiter = undefined;
    waiter?.();
  }

  private wakeProducer(): void {
    if (this.bytes >= this.highWaterMark) return;
    this.wake();
  }

  /** Answers the pending recv() if enough data arrived, or rejects it with `closed` (the peer has closed). */
  serve(closed: Error | undefined): void {
    const waiter = this.recvWaiter;
    if (waiter === undefined) return;
    if (this.has(waiter.length)) {
      this.recvWaiter = undefined;
      if (waiter.timer !== undefined) clearTimeout(waiter.timer);
      waiter.resolve(this.takeUnit(waiter.length));
    } else if (closed !== undefined) {
      this.recvWaiter = undefined;
      if (waiter.timer !== undefined) clearTimeout(waiter.timer);
      waiter.reject(closed);
    }
  }

  /** Rejects the pending recv() with `error`; false when none was pending. */
  rejectWaiter(error: Error): boolean {
    const waiter = this.recvWaiter;
    if (waiter === undefined) return false;
    this.recvWaiter = undefined;
    if (waiter.timer !== undefined) clearTimeout(waiter.timer);
    waiter.reject(error);
    return true;
  }

  /** Registers the one pending recv() for `length` bytes, with an optional timeout. */
  wait(length: number, timeoutMs: number | undefined): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const waiter: RecvWaiter = { length, resolve, reject };
      if (timeoutMs !== undefined && timeoutMs !== Number.POSITIVE_INFINITY) {
        waiter.timer = setTimeout(() => {
          if (this.recvWaiter === waiter) this.recvWaiter = undefined;
          reject(new TimeoutError(`recv timed out after ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.recvWaiter = waiter;
    });
  }
}
