import { isPromiseLike, type MaybePromise } from '@sslsocket/suites';
import { MAX_PLAINTEXT, RECORD_HEADER_LENGTH } from './content-type.js';
import { uninitialisedBytes } from './output-memory.js';
import { NullProtection } from './protection/null-protection.js';
import type { RecordProtection } from './protection/record-protection.js';

const EMPTY = new Uint8Array(0);
/** The empty list every writer starts with; never pushed to (each push site replaces it first). */
const NONE: never[] = [];

/** Options for {@link RecordWriter}. */
export interface RecordWriterOptions {
  /** Largest plaintext per record (2^14, or the peer's record_size_limit / max_fragment_length). */
  readonly maxFragment?: number;
  readonly initialCapacity?: number;
}

/**
 * Fragments and protects outgoing data into one output buffer per flight: each fragment is copied
 * once into the buffer and sealed where it lies (RFC 8446 §5.1-5.2, RFC 5246 §6.2).
 *
 * @example
 * writer.writeRecords(ContentType.application_data, data);
 * transport.write(writer.takeOutput());
 */
export class RecordWriter {
  private buffer: Uint8Array;
  private length = 0;
  private protection: RecordProtection = new NullProtection();
  // The three lists start as the shared empty NONE and get an array of their own on their first
  // push: most connections never seal asynchronously nor recycle (#17, memory per idle connection).
  private inFlight: Promise<unknown>[] = NONE;
  /** Earlier parts of this flight, left where asynchronous seals are still writing them. */
  private segments: Uint8Array[] = NONE;
  private segmentBytes = 0;
  private pool: ArrayBuffer[] = NONE;
  maxFragment: number;

  constructor(options: RecordWriterOptions = {}) {
    this.buffer = options.initialCapacity === undefined ? EMPTY : new Uint8Array(options.initialCapacity);
    this.maxFragment = options.maxFragment ?? MAX_PLAINTEXT;
  }

  /** The current write epoch. */
  get currentProtection(): RecordProtection {
    return this.protection;
  }

  /** Switches to a new write epoch; records already written keep their old protection. */
  setProtection(protection: RecordProtection): void {
    this.protection = protection;
  }

  /** True while asynchronous seals are still writing into the output (takeOutput() would throw). */
  get sealing(): boolean {
    return this.inFlight.length > 0;
  }

  /** Bytes waiting in the output buffer. */
  get pendingBytes(): number {
    return this.segmentBytes + this.length;
  }

  /**
   * Writes `data` as records of `contentType`, at most `maxFragment` plaintext bytes each. Returns a
   * Promise only when the provider seals asynchronously (records are then sealed concurrently).
   */
  writeRecords(contentType: number, data: Uint8Array): MaybePromise<void> {
    const protection = this.protection;
    const fragment = Math.max(1, this.maxFragment);
    const count = Math.max(1, Math.ceil(data.length / fragment));
    // Reserve room for every record up front, so asynchronous seals never see the buffer move.
    // The suffix depends on the length (padding is capped by the record limit), so the last, shorter
    // record may need more than a full one.
    const overhead = RECORD_HEADER_LENGTH + protection.prefixLength;
    const last = data.length - (count - 1) * fragment;
    const full = count > 1 ? (count - 1) * (overhead + protection.maxSuffixLength(fragment)) : 0;
    this.ensureCapacity(data.length + full + overhead + protection.maxSuffixLength(last));
    const pending: Promise<unknown>[] = [];
    const out = this.buffer;
    for (let offset = 0, i = 0; i < count; i++, offset += fragment) {
      const chunk = Math.min(fragment, data.length - offset);
      const at = this.length;
      const piece = data.subarray(offset, offset + chunk);
      let sealed = protection.sealFrom?.(contentType, piece, this.buffer, at);
      if (sealed === undefined) {
        this.buffer.set(piece, at + RECORD_HEADER_LENGTH + protection.prefixLength);
        sealed = protection.seal(contentType, this.buffer, at, chunk);
      }
      if (isPromiseLike(sealed)) {
        // The record's size is known before sealing finishes: header + prefix + chunk + suffix.
        this.length = at + RECORD_HEADER_LENGTH + protection.prefixLength + chunk + protection.maxSuffixLength(chunk);
        const reserved = this.length;
        pending.push(
          sealed.then(
            (total) => checkAsyncSize(out, at, total),
            (error: unknown) => {
              // The output may be uninitialised memory (output-memory.ts): a failed seal leaves none of it.
              out.fill(0, at, reserved);
              throw error;
            },
          ),
        );
      } else {
        this.length = at + sealed;
      }
    }
    if (pending.length === 0) return;
    // One record (the common case for bulk writes) needs no Promise.all around it.
    const all: Promise<void> = (pending.length === 1 ? (pending[0] as Promise<unknown>) : Promise.all(pending)).then(
      () => {
        // Once sealed, the records are ordinary output: takeOutput() may hand them over.
        const rest = this.inFlight.filter((entry) => entry !== all);
        this.inFlight = rest.length === 0 ? NONE : rest;
      },
    );
    if (this.inFlight === NONE) this.inFlight = [all];
    else this.inFlight.push(all);
    return all;
  }

  /**
   * Takes everything written so far (the caller owns the returned bytes) and empties the buffer. The
   * flight is handed over without copying and the writer keeps no buffer: the next flight takes one
   * sized for it (or a recycled one), so an idle connection holds no output memory.
   */
  takeOutput(): Uint8Array {
    if (this.inFlight.length > 0)
      throw new Error('RecordWriter.takeOutput() while records are still being sealed; await them');
    const length = this.length;
    this.length = 0;
    if (this.segments.length > 0) {
      // A flight that outgrew its buffer while seals were in flight: join its parts once.
      const parts = [...this.segments, this.buffer.subarray(0, length)];
      const joined = uninitialisedBytes(this.segmentBytes + length);
      let at = 0;
      for (const part of parts) {
        joined.set(part, at);
        at += part.length;
      }
      this.segments = NONE;
      this.segmentBytes = 0;
      this.buffer = EMPTY;
      return joined;
    }
    if (length === 0) return EMPTY;
    // The buffer may be uninitialised memory (output-memory.ts): what the flight did not use is
    // zeroed, so nothing but sealed records is reachable through the output's `.buffer`.
    if (length < this.buffer.length) this.buffer.fill(0, length);
    const out = this.buffer.subarray(0, length);
    // The next flight allocates exactly what it needs, when it comes.
    this.buffer = EMPTY;
    return out;
  }

  /**
   * Gives back an output returned by {@link takeOutput} once the transport is done with it, so the
   * next flight is sealed into memory that is already allocated and warm in cache instead of a
   * fresh buffer. Optional: outputs that are never recycled are simply garbage-collected.
   */
  recycle(output: Uint8Array): void {
    const backing = output.buffer;
    if (!(backing instanceof ArrayBuffer) || backing.byteLength < 4096 || this.pool.length >= 4) return;
    if (this.pool.includes(backing)) return;
    if (this.pool === NONE) this.pool = [backing];
    else this.pool.push(backing);
  }

  /** Waits for asynchronous seals to finish (a no-op for synchronous providers). */
  async settle(): Promise<void> {
    // The entries stay listed until they finish, so writes made meanwhile still see them in flight.
    // Always one await, even with nothing in flight: callers (the engine's cancel path) have come to
    // rely on settle() letting already-queued microtasks run first.
    do {
      // A copy: writeRecords() pushes onto the live array, and what it adds while this waits must
      // not be dropped from the list by the filter below (it was not awaited here).
      const current = this.inFlight.slice();
      try {
        await Promise.all(current);
      } finally {
        const rest = this.inFlight.filter((entry) => !current.includes(entry));
        this.inFlight = rest.length === 0 ? NONE : rest;
      }
    } while (this.inFlight.length > 0);
  }

  private ensureCapacity(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    let capacity = Math.max(this.buffer.length, 1024);
    while (capacity < needed) capacity *= 2;
    if (this.length > 0 && this.inFlight.length > 0) {
      // Asynchronous seals are still writing into this buffer: moving it would lose their output.
      // Leave it as a segment of the flight and continue in a new buffer.
      if (this.segments === NONE) this.segments = [this.buffer.subarray(0, this.length)];
      else this.segments.push(this.buffer.subarray(0, this.length));
      this.segmentBytes += this.length;
      this.buffer = new Uint8Array(Math.max(extra, 1024));
      this.length = 0;
      return;
    }
    if (this.length === 0) {
      const pooled = this.pool.findIndex((backing) => backing.byteLength >= needed);
      if (pooled !== -1) {
        this.buffer = new Uint8Array(this.pool.splice(pooled, 1)[0] as ArrayBuffer);
        return;
      }
      // A fresh flight: exactly its size (small writes stay small), or room for growth in a flight
      // made of several writes.
      capacity = needed;
    }
    const grown = uninitialisedBytes(capacity);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}

function checkAsyncSize(out: Uint8Array, at: number, total: number): void {
  const recorded = RECORD_HEADER_LENGTH + (((out[at + 3] as number) << 8) | (out[at + 4] as number));
  if (recorded !== total) throw new Error('RecordWriter: asynchronous seal produced an unexpected record size');
}
