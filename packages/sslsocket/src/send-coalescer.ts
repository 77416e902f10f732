/**
 * Small `send()`s of one tick, gathered into one plaintext buffer so they are sealed as few records
 * as possible (RFC 8446 §5.1 and RFC 5246 §6.2.1 let a record carry any run of application bytes:
 * record boundaries mean nothing to the application) and handed to the transport in one write.
 *
 * The buffer holds at most {@link STAGE_LIMIT} bytes, so a connection never keeps more than one
 * record's worth of unsealed plaintext; it is allocated on the first small send and dropped after
 * a flush when the connection goes quiet, so an idle connection holds none.
 *
 * Every send of one batch gets the same Promise: it resolves once the batch's records were handed to
 * the transport (after drain when the transport pushed back) and rejects when they could not be.
 */

/** Sends shorter than this are gathered; longer ones are sealed at once (one record's plaintext). */
export const STAGE_LIMIT = 16 * 1024;

/** The sends of one batch: settled together by the flush that writes their records. */
export interface SendBatch {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: Error): void;
}

export class SendCoalescer {
  private buffer: Uint8Array | undefined;
  private length = 0;
  private batch: SendBatch | undefined;

  /** Plaintext bytes gathered and not yet handed to the engine. */
  get bytes(): number {
    return this.length;
  }

  /** True when `data` fits beside what is gathered without exceeding one record's plaintext. */
  fits(data: Uint8Array): boolean {
    return this.length + data.length <= STAGE_LIMIT;
  }

  /** Copies `data` in (the caller may reuse its array at once, as after a synchronous send). */
  add(data: Uint8Array): void {
    this.buffer ??= new Uint8Array(STAGE_LIMIT);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  /**
   * The gathered bytes, as a view the caller hands to the engine before the next `add()`, or
   * undefined when nothing is gathered. An engine that seals later (asynchronous provider) still
   * reads the view: call {@link release} then, so the next `add()` writes into a fresh buffer.
   */
  take(): Uint8Array | undefined {
    if (this.length === 0 || this.buffer === undefined) return undefined;
    const view = this.buffer.subarray(0, this.length);
    this.length = 0;
    return view;
  }

  /** Gives up the buffer (an idle socket keeps no send memory; an asynchronous seal may still read it). */
  release(): void {
    this.buffer = undefined;
    this.length = 0;
  }

  /** The Promise every send of the current batch returns (made on the batch's first send). */
  promise(): Promise<void> {
    if (this.batch === undefined) {
      let resolve!: () => void;
      let reject!: (error: Error) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      this.batch = { promise, resolve, reject };
    }
    return this.batch.promise;
  }

  /** Ends the current batch (its bytes were handed to the engine) for the flush that writes them. */
  detachBatch(): SendBatch | undefined {
    const batch = this.batch;
    this.batch = undefined;
    return batch;
  }
}

/**
 * Settles `batch` once `written` does (undefined: the bytes were handed over already): resolved,
 * or rejected with what `refused()` returns then, when the bytes did not reach the transport.
 */
export function settleBatch(
  batch: SendBatch | undefined,
  written: Promise<void> | undefined,
  refused: () => Error | undefined,
): void {
  if (batch === undefined) return;
  const finish = (): void => {
    const error = refused();
    if (error === undefined) batch.resolve();
    else batch.reject(error);
  };
  if (written === undefined) finish();
  else void written.then(finish, (error: unknown) => batch.reject(error as Error));
}
