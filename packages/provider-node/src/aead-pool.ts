/**
 * The main-thread side of the AEAD worker pool: a fixed set of `worker_threads` workers
 * (aead-pool-worker.ts) sealing and opening records in shared slots (aead-ring.ts).
 *
 * Per record the main thread copies the input into a free slot, publishes it, and later copies the
 * result out: no message, no allocation but the Promise the AeadKey contract requires (and, for
 * openDetached, the plaintext array it hands over). Completions are collected with one
 * `Atomics.waitAsync` wake for however many records finished meanwhile.
 *
 * @module
 */

import { existsSync } from 'node:fs';
import { MessageChannel, type MessagePort, Worker } from 'node:worker_threads';
import { type AeadAlgorithm, CryptoError } from '@sslsocket/suites';
import type { KeyMessage, PoolWorkerData } from './aead-pool-worker.js';
import {
  AeadRing,
  CTL_CLAIMED,
  CTL_COMPLETED,
  CTL_SLEEPERS,
  CTL_STOP,
  CTL_SUBMITTED,
  CTL_WAKING,
  H_AAD_LENGTH,
  H_KEY,
  H_LENGTH,
  H_OP,
  H_RESULT,
  H_STATE,
  MAX_AAD,
  OP_OPEN,
  OP_SEAL,
  RESULT_ERROR,
  RESULT_OK,
  SLOT_DATA,
  STATE_DONE,
  STATE_FREE,
  STATE_QUEUED,
} from './aead-ring.js';
import { uninitialisedBytes } from './bytes.js';
import { WorkerPoolError } from './worker-pool-error.js';

export { WorkerPoolError };

/** `Atomics.waitAsync` (ES2024; Node ≥ 16): typed here, the project's lib is ES2023. */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      array: Int32Array,
      index: number,
      value: number,
    ): { async: false; value: 'not-equal' | 'timed-out' } | { async: true; value: Promise<'ok' | 'timed-out'> };
  }
).waitAsync;

/** What the main thread does with a slot's result once a worker is done with it. */
const SEAL_INTO = 0;
const OPEN_INTO = 1;
const OPEN_DETACHED = 2;

/** Where the pool's worker script is: next to this module once built (tests run the sources). */
function workerScript(): URL {
  const here = new URL('./aead-pool-worker.js', import.meta.url);
  if (existsSync(here)) return here;
  return new URL('../dist/aead-pool-worker.js', import.meta.url);
}

/** Shape of {@link AeadPool} options (see `NodePoolProviderOptions` for the documented ones). */
export interface AeadPoolOptions {
  readonly workers: number;
  readonly slots: number;
  /** Records waiting for a worker beyond which the calling thread does them itself. */
  readonly maxQueued: number;
  /** How long an idle worker polls for the next record before it sleeps (µs). */
  readonly spinMicros: number;
}

/**
 * A pool of AEAD workers sharing one ring of slots. Records are taken by whichever worker is free,
 * so they may complete out of order; each record's Promise resolves on its own and the record
 * layer puts them back in sequence.
 */
export class AeadPool {
  readonly ring: AeadRing;
  readonly workers: readonly Worker[];
  private readonly ports: MessagePort[] = [];
  private readonly free: number[] = [];
  private submitted = 0;
  private nextKeyId = 1;
  /** Per slot: what to do with the result, the resolver, and where the output goes. */
  private readonly kinds: Int8Array;
  private readonly resolvers: ((value: never) => void)[];
  private readonly rejecters: ((error: Error) => void)[];
  private readonly targets: (Uint8Array | undefined)[];
  private readonly targetOffsets: Int32Array;
  /** Slots handed to the workers and not yet collected, in submission order. */
  private inFlight: number[] = [];
  private readonly outLengths: Int32Array;
  private readonly maxQueued: number;
  private armed = false;
  private busy = false;
  /** Set by close(): later records run on the main thread; those in flight still complete. */
  private closed = false;
  /** Set when a worker died or destroy() ran: everything in flight was rejected with it. */
  private failure: WorkerPoolError | undefined;
  /** The workers are being ended on purpose: their exit is no failure. */
  private stopping = false;
  private drainedWaiters: (() => void)[] = [];
  private captured: { resolve: (value: never) => void; reject: (error: Error) => void } = {
    resolve: () => undefined,
    reject: () => undefined,
  };
  private readonly capture = (resolve: (value: never) => void, reject: (error: Error) => void): void => {
    this.captured.resolve = resolve;
    this.captured.reject = reject;
  };
  private readonly keyRegistry = new FinalizationRegistry<number>((id) => this.forget(id));

  constructor(options: AeadPoolOptions) {
    // A power of two, so queue positions stay continuous when the Int32 counters wrap.
    let slots = 1;
    while (slots < options.slots) slots *= 2;
    this.ring = AeadRing.allocate(slots);
    this.kinds = new Int8Array(slots);
    this.resolvers = new Array(slots).fill(undefined);
    this.rejecters = new Array(slots).fill(undefined);
    this.targets = new Array(slots).fill(undefined);
    this.targetOffsets = new Int32Array(slots);
    this.outLengths = new Int32Array(slots);
    this.maxQueued = options.maxQueued;
    for (let slot = slots - 1; slot >= 0; slot--) this.free.push(slot);
    const script = workerScript();
    const workers: Worker[] = [];
    for (let i = 0; i < options.workers; i++) {
      const channel = new MessageChannel();
      const workerData: PoolWorkerData = {
        memory: this.ring.memory,
        slots,
        keys: channel.port2,
        spinMicros: options.spinMicros,
      };
      const worker = new Worker(script, { workerData, transferList: [channel.port2], name: `sslsocket-aead-${i}` });
      // A process that is done exits even with the pool's workers asleep; while records are in
      // flight the pool holds a reference (see hold()).
      worker.unref();
      channel.port1.unref();
      worker.on('error', (error) => this.fail(`an AEAD pool worker failed: ${error.message}`, error));
      worker.on('exit', (code) => {
        if (!this.stopping) this.fail(`an AEAD pool worker exited (code ${code})`);
      });
      workers.push(worker);
      this.ports.push(channel.port1);
    }
    this.workers = workers;
  }

  /** False once the pool was closed, destroyed or lost a worker: keys then work on the main thread. */
  get usable(): boolean {
    return !this.closed && this.failure === undefined;
  }

  /** Why the pool stopped, when a worker died or it was destroyed. */
  get error(): WorkerPoolError | undefined {
    return this.failure;
  }

  /**
   * True when a record handed over now would start soon: a slot is free and fewer than
   * `maxQueued` records wait for a worker. Otherwise the caller does the record itself (callers
   * then fill a slot with {@link begin} and {@link submit}): a thread that would only wait for a
   * backlog does better sealing the next record meanwhile, and the work splits between the
   * calling thread and the workers as their speeds allow.
   */
  get accepting(): boolean {
    return (
      this.free.length > 0 &&
      ((this.submitted - Atomics.load(this.ring.control, CTL_CLAIMED)) | 0) < this.maxQueued &&
      !this.closed &&
      this.failure === undefined
    );
  }

  /** Registers a traffic key with every worker; returns its id. Called once per key, on first use. */
  addKey(owner: object, algorithm: AeadAlgorithm, key: Uint8Array): number {
    const id = this.nextKeyId++;
    const message: KeyMessage = { id, algorithm, key };
    for (const port of this.ports) port.postMessage(message);
    this.keyRegistry.register(owner, id);
    return id;
  }

  private forget(id: number): void {
    if (this.stopping) return;
    const message: KeyMessage = { forget: id };
    for (const port of this.ports) port.postMessage(message);
  }

  /**
   * Takes a free slot (the caller checked {@link hasFreeSlot}) and writes the nonce and AAD into it;
   * returns the slot and the byte offset of its data area, where the caller copies the input.
   */
  begin(nonce: Uint8Array, aad: Uint8Array): number {
    const slot = this.free.pop() as number;
    const ring = this.ring;
    ring.bytes.set(nonce, ring.nonceAt(slot));
    ring.bytes.set(aad, ring.aadAt(slot));
    ring.headers[ring.field(slot, H_AAD_LENGTH)] = aad.length;
    return slot;
  }

  /**
   * Hands slot `slot` (its data filled with `length` bytes) to the workers. The result, `outLength`
   * bytes, goes to `target` at `targetOffset` (SEAL_INTO: ciphertext and tag; OPEN_INTO:
   * plaintext) or into a fresh array (OPEN_DETACHED). Returns the record's Promise.
   */
  submit<T>(
    slot: number,
    keyId: number,
    op: number,
    length: number,
    outLength: number,
    kind: number,
    target: Uint8Array | undefined,
    targetOffset: number,
  ): Promise<T> {
    const ring = this.ring;
    const headers = ring.headers;
    headers[ring.field(slot, H_OP)] = op;
    headers[ring.field(slot, H_KEY)] = keyId;
    headers[ring.field(slot, H_LENGTH)] = length;
    headers[ring.field(slot, H_STATE)] = STATE_QUEUED;
    const promise = new Promise<T>(
      this.capture as (resolve: (value: T) => void, reject: (error: Error) => void) => void,
    );
    this.resolvers[slot] = this.captured.resolve;
    this.rejecters[slot] = this.captured.reject;
    this.kinds[slot] = kind;
    this.targets[slot] = target;
    this.targetOffsets[slot] = targetOffset;
    this.outLengths[slot] = outLength;
    this.inFlight.push(slot);
    const control = ring.control;
    const position = this.submitted;
    Atomics.store(ring.queue, (position >>> 0) % ring.slots, slot);
    this.submitted = (position + 1) | 0;
    Atomics.store(control, CTL_SUBMITTED, this.submitted);
    // A wake only when every worker sleeps and none is being woken (aead-ring.ts): an awake worker
    // reads `submitted` again before it sleeps, and a woken one wakes the next when more wait.
    if (
      Atomics.load(control, CTL_SLEEPERS) === this.workers.length &&
      Atomics.compareExchange(control, CTL_WAKING, 0, 1) === 0 &&
      Atomics.notify(control, CTL_SUBMITTED, 1) === 0
    ) {
      Atomics.store(control, CTL_WAKING, 0);
    }
    this.hold();
    if (this.armed) {
      // The waitAsync wake reaches this thread only once it returns to its event loop, which a
      // busy bulk writer or reader may not do for a millisecond or more: records finished
      // meanwhile are collected here, and their Promises settle with this turn's microtasks.
      this.collect();
    } else {
      this.arm();
    }
    return promise;
  }

  /** Keeps the process alive while records are in flight (a pending waitAsync alone does not). */
  private hold(): void {
    if (this.busy) return;
    this.busy = true;
    (this.workers[0] as Worker).ref();
  }

  private release(): void {
    if (!this.busy) return;
    this.busy = false;
    (this.workers[0] as Worker).unref();
    for (const waiter of this.drainedWaiters.splice(0)) waiter();
  }

  /** Collects finished slots, then waits (asynchronously) for the next completion if any are left. */
  private arm(): void {
    if (this.armed) return;
    const control = this.ring.control;
    for (;;) {
      const seen = Atomics.load(control, CTL_COMPLETED);
      this.collect();
      if (this.inFlight.length === 0 || this.failure !== undefined) {
        this.release();
        return;
      }
      const wait = waitAsync(control, CTL_COMPLETED, seen);
      if (wait.async) {
        this.armed = true;
        void wait.value.then(this.wake);
        return;
      }
    }
  }

  private readonly wake = (): void => {
    this.armed = false;
    this.arm();
  };

  /** Finishes every slot a worker is done with. */
  private collect(): void {
    const ring = this.ring;
    const headers = ring.headers;
    let kept = 0;
    const inFlight = this.inFlight;
    for (let i = 0; i < inFlight.length; i++) {
      const slot = inFlight[i] as number;
      if (Atomics.load(headers, ring.field(slot, H_STATE)) !== STATE_DONE) {
        inFlight[kept++] = slot;
        continue;
      }
      this.finish(slot);
    }
    inFlight.length = kept;
  }

  private finish(slot: number): void {
    const ring = this.ring;
    const headers = ring.headers;
    const result = headers[ring.field(slot, H_RESULT)];
    const length = this.outLengths[slot] as number;
    const resolve = this.resolvers[slot] as (value: unknown) => void;
    const reject = this.rejecters[slot] as (error: Error) => void;
    const target = this.targets[slot];
    const kind = this.kinds[slot];
    const dataAt = ring.dataAt(slot);
    this.targets[slot] = undefined;
    this.resolvers[slot] = undefined as never;
    this.rejecters[slot] = undefined as never;
    let value: unknown;
    let error: Error | undefined;
    if (result === RESULT_ERROR) {
      error = new CryptoError('the AEAD pool worker could not process the record (unknown key or bad input)');
    } else if (kind === SEAL_INTO) {
      (target as Uint8Array).set(ring.bytes.subarray(dataAt, dataAt + length), this.targetOffsets[slot]);
    } else if (result !== RESULT_OK) {
      value = kind === OPEN_INTO ? false : null;
    } else {
      const plain = ring.bytes.subarray(dataAt, dataAt + length);
      if (kind === OPEN_INTO) {
        (target as Uint8Array).set(plain, this.targetOffsets[slot]);
        value = true;
      } else {
        // A fresh, unshared array the caller owns (slice() of shared memory copies byte by byte).
        const own = uninitialisedBytes(length);
        own.set(plain);
        value = own;
      }
    }
    headers[ring.field(slot, H_STATE)] = STATE_FREE;
    this.free.push(slot);
    if (error === undefined) resolve(value);
    else reject(error);
  }

  /** Rejects everything in flight and stops the workers (a worker died, or destroy()). */
  private fail(message: string, cause?: unknown, reason: WorkerPoolError['reason'] = 'worker-exit'): void {
    if (this.failure !== undefined) return;
    const error = new WorkerPoolError(reason, message, cause === undefined ? undefined : { cause });
    this.failure = error;
    this.stop();
    const inFlight = this.inFlight;
    this.inFlight = [];
    for (const slot of inFlight) {
      const reject = this.rejecters[slot] as (error: Error) => void;
      this.targets[slot] = undefined;
      this.resolvers[slot] = undefined as never;
      this.rejecters[slot] = undefined as never;
      reject(error);
    }
    this.release();
    for (const worker of this.workers) void worker.terminate();
    for (const waiter of this.drainedWaiters.splice(0)) waiter();
  }

  private stop(): void {
    this.stopping = true;
    const control = this.ring.control;
    Atomics.store(control, CTL_STOP, 1);
    Atomics.notify(control, CTL_SUBMITTED);
    for (const port of this.ports) port.close();
  }

  /**
   * Stops taking records (later ones run on the main thread), waits for those in flight, then ends
   * the workers.
   */
  async close(): Promise<void> {
    if (this.closed || this.failure !== undefined) return;
    this.closed = true;
    if (this.inFlight.length > 0) {
      await new Promise<void>((resolve) => this.drainedWaiters.push(resolve));
    }
    this.stop();
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  /** Ends the workers now; records in flight reject with WorkerPoolError('destroyed'). */
  destroy(): void {
    this.fail('the AEAD pool was destroyed', undefined, 'destroyed');
  }
}

export { MAX_AAD, OP_OPEN, OP_SEAL, OPEN_DETACHED, OPEN_INTO, SEAL_INTO, SLOT_DATA };
