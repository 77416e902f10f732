/**
 * The node:crypto provider with record protection on a pool of worker threads, so one connection
 * can use more than one core.
 *
 * @module
 */

import type { AeadAlgorithm, AeadKey, CryptoProvider } from '@sslsocket/suites';
import { AeadPool } from './aead-pool.js';
import { createPoolAeadKey } from './aead-pool-key.js';
import { aeadSupported } from './features.js';
import { createNodeProvider, type NodeProviderOptions } from './node-provider.js';

export { WorkerPoolError } from './aead-pool.js';

/** Options for {@link createNodePoolProvider}. */
export interface NodePoolProviderOptions extends NodeProviderOptions {
  /** Worker threads sealing and opening records. Default 2; at least 1. */
  readonly workers?: number;
  /**
   * Records shorter than this many bytes (ciphertext with its tag) are sealed and opened on the
   * calling thread, synchronously: for them the hand-over costs more than the cipher. Default 4096.
   */
  readonly minBytes?: number;
  /**
   * Records that can be in the workers at once (rounded up to a power of two); each slot is one
   * record's worth (16.3 KiB) of shared memory. When all are taken, further records are done on
   * the calling thread. Default 128 (about 2 MiB).
   */
  readonly slots?: number;
  /**
   * Records waiting for a free worker beyond which the calling thread seals or opens the next
   * record itself instead of queueing it, so neither side idles while the other has a backlog.
   * Default twice the worker count.
   */
  readonly maxQueued?: number;
  /**
   * How long an idle worker polls for the next record before it sleeps, in microseconds. Waking a
   * sleeping worker costs the calling thread a system call (measured 14 µs on an idle 2-core VM,
   * far more on a busy one); polling costs the worker's own core. Default 50; 0 sleeps at once.
   */
  readonly spinMicros?: number;
}

/** A {@link CryptoProvider} with worker threads to stop. */
export interface NodePoolProvider extends CryptoProvider {
  /** Worker threads in the pool. */
  readonly workers: number;
  /**
   * Stops handing records to the workers (keys in use go on, on the calling thread), waits for the
   * records already there, and ends the workers. Idempotent.
   */
  close(): Promise<void>;
  /** Ends the workers now: records in a worker reject with `WorkerPoolError` (reason 'destroyed'). */
  destroy(): void;
}

/**
 * Creates the node:crypto provider with its AEAD records sealed and opened on `workers` worker
 * threads through shared memory (SharedArrayBuffer slots and Atomics; no message per record).
 * Every other operation (hashes, key exchange, signatures, CBC) is the plain node provider's.
 *
 * Records complete in whichever worker is free, possibly out of order; the record layer returns
 * them in sequence (RFC 8446 §5.3: each record's nonce comes from its sequence number, so the
 * order of computation does not matter). A failed authentication is `false` / `null` exactly as
 * with the synchronous provider (the engine answers bad_record_mac, RFC 8446 §5.2). A worker that
 * dies rejects the records it and the others hold with `WorkerPoolError` (reason 'worker-exit');
 * later records run on the calling thread.
 *
 * It helps when one connection moves bulk data (writes of 64 KiB and more, so several 16 KiB
 * records are in flight at once) and the machine has idle cores; with small records, or on one
 * core, it only adds hand-over costs. The workers are `unref()`ed: a process that is done exits
 * while they sleep; `close()` ends them.
 *
 * @throws RangeError when an option is not an integer in its range (workers 1–256, slots 1–65536,
 *   spinMicros 0–1,000,000, minBytes ≥ 0, maxQueued ≥ 1), so a NaN or a negative count fails here
 *   instead of as a pool without workers.
 * @example
 * ```ts
 * import { createNodePoolProvider } from '@sslsocket/provider-node';
 * import { connect } from 'sslsocket';
 * const provider = createNodePoolProvider({ workers: 2 });
 * const socket = await connect('example.com', 443, { provider });
 * await socket.send(new Uint8Array(1 << 20));
 * await socket.close();
 * await provider.close();
 * ```
 */
export function createNodePoolProvider(options: NodePoolProviderOptions = {}): NodePoolProvider {
  const workers = poolOption('workers', options.workers, 2, 1, 256);
  const minBytes = poolOption('minBytes', options.minBytes, 4096, 0, Number.MAX_SAFE_INTEGER);
  const slots = poolOption('slots', options.slots, 128, 1, 65536);
  const spinMicros = poolOption('spinMicros', options.spinMicros, 50, 0, 1_000_000);
  const maxQueued = poolOption('maxQueued', options.maxQueued, workers * 2, 1, Number.MAX_SAFE_INTEGER);
  const base = createNodeProvider(options.fallback === undefined ? {} : { fallback: options.fallback });
  let pool: AeadPool | undefined;
  return {
    ...base,
    name: 'node-pool',
    workers,
    aead(algorithm: AeadAlgorithm, key: Uint8Array): AeadKey {
      if (!aeadSupported.has(algorithm)) return base.aead(algorithm, key);
      // Workers start with the first traffic key, not when the provider is made.
      pool ??= new AeadPool({ workers, slots, maxQueued, spinMicros });
      return createPoolAeadKey(pool, algorithm, key, minBytes);
    },
    async close(): Promise<void> {
      await pool?.close();
    },
    destroy(): void {
      pool?.destroy();
    },
  };
}

/** An integer option in [min, max], or its default when absent; anything else is a RangeError. */
function poolOption(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < min || chosen > max)
    throw new RangeError(
      `createNodePoolProvider: ${name} must be an integer from ${min} to ${max}, got ${String(value)}`,
    );
  return chosen;
}
