/**
 * A one-shot signal (the handshake finished, the peer closed, the mailbox opened) whose Promise is
 * made only when someone waits for it. A socket has several such signals and most are never
 * awaited: a Promise with its resolving functions, made eagerly, is a few hundred bytes every idle
 * connection would keep (#21: JS heap per idle connection). Once settled, the resolving functions
 * are dropped; a Promise asked for afterwards is made already settled.
 * @module
 */

/** One shared, already-resolved Promise, for a signal known to have happened. */
export const HAPPENED: Promise<void> = Promise.resolve();

const PENDING = 0;
const RESOLVED = 1;
const REJECTED = 2;

export class Latch<T = void> {
  private state: typeof PENDING | typeof RESOLVED | typeof REJECTED = PENDING;
  private outcome: T | Error | undefined;
  private promise: Promise<T> | undefined;
  private settle: { resolve(value: T): void; reject(error: Error): void } | undefined;

  /** True once resolved or rejected. */
  get settled(): boolean {
    return this.state !== PENDING;
  }

  /**
   * The signal's Promise: the same one on every call until it settles. A rejection counts as handled (the socket
   * reports failures through its own calls and events; nobody waiting must not crash the process).
   */
  wait(): Promise<T> {
    if (this.promise !== undefined) return this.promise;
    if (this.state === RESOLVED) this.promise = Promise.resolve(this.outcome as T);
    else if (this.state === REJECTED) this.promise = Promise.reject(this.outcome as Error);
    else {
      this.promise = new Promise<T>((resolve, reject) => {
        this.settle = { resolve, reject };
      });
    }
    this.promise.catch(() => undefined);
    return this.promise;
  }

  /** Settled: the resolving functions and the Promise go (a later wait() makes a settled one). */
  private release(): void {
    this.settle = undefined;
    this.promise = undefined;
  }

  /** Settles with `value`; later calls (either kind) are ignored. */
  resolve(value: T): void {
    if (this.state !== PENDING) return;
    this.state = RESOLVED;
    this.outcome = value;
    this.settle?.resolve(value);
    this.release();
  }

  /** Settles with `error`; later calls (either kind) are ignored. */
  reject(error: Error): void {
    if (this.state !== PENDING) return;
    this.state = REJECTED;
    this.outcome = error;
    this.settle?.reject(error);
    this.release();
  }
}
