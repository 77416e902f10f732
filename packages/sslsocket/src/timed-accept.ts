/**
 * Erlang `transport_accept/2`'s timeout for both listen sockets (TLS and DTLS): an accept that
 * outlives its caller's timeout keeps running, and what it brings goes to the next caller instead
 * of being lost.
 * @module
 */
import { TimeoutError } from './errors.js';

/** Accepts in order, each call with an optional timeout. */
export class TimedAccept<T> {
  /** Accepts that outlived a timeout, handed to the next callers in order. */
  private readonly leftovers: Promise<T>[] = [];

  constructor(private readonly accept: () => Promise<T>) {}

  /**
   * The next accepted item. Rejects with a TimeoutError(`no ${what} within ${timeoutMs} ms`) when
   * none arrives in time, and with the underlying accept's error (e.g. listener closed).
   */
  async next(timeoutMs: number | undefined, what: string): Promise<T> {
    const next = this.leftovers.shift() ?? this.accept();
    if (timeoutMs === undefined) return next;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const winner = await Promise.race([next, timeout]).finally(() => clearTimeout(timer));
    if (winner !== 'timeout') return winner;
    next.catch(() => undefined);
    this.leftovers.push(next);
    throw new TimeoutError(`no ${what} within ${timeoutMs} ms`);
  }
}
