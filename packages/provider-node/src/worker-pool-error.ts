/**
 * The error of a record the AEAD worker pool (aead-pool.ts) could not finish.
 *
 * @module
 */

/**
 * Why a pooled seal or open was rejected: a worker exited or failed (`reason: 'worker-exit'`), or
 * the pool was destroyed while the record was in a worker (`'destroyed'`). A failed
 * authentication is never this error: it is `false` / `null`, as with the synchronous provider.
 * The connection whose record it was fails; later records of every key run on the calling thread.
 *
 * @example
 * ```ts
 * socket.send(data).catch((error) => {
 *   if (error instanceof WorkerPoolError && error.reason === 'worker-exit') restartWorkers();
 * });
 * ```
 */
export class WorkerPoolError extends Error {
  override readonly name = 'WorkerPoolError';
  constructor(
    readonly reason: 'worker-exit' | 'destroyed',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
