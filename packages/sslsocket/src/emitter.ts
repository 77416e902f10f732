type Handler = (...args: unknown[]) => void;

/**
 * The key of {@link Emitter}'s method that emits an event on behalf of a queue (mailbox.ts): a
 * symbol, so it is no part of the socket's public API, and a method, so a queue needs no closure
 * of its own per socket.
 */
export const emitQueued: unique symbol = Symbol('emitQueued');

/** A minimal typed event emitter (Node's and the DOM's differ; this works in both worlds). */
export class Emitter<Events extends Record<string, unknown[]>> {
  /** Made on the first `on()`: a socket nobody listens to keeps no Map. */
  private handlers: Map<keyof Events, Set<Handler>> | undefined;

  /**
   * Adds `handler` for `event` (on an SslSocket: `data`, `closed`, `error`, `passive`, `session`,
   * Erlang's `{ssl, S, Data}` messages and kin). Adding the same function twice keeps one. Returns
   * this, for chaining.
   *
   * @example
   * socket.on('data', (bytes) => console.log(bytes.length)).on('closed', (how) => console.log(how));
   */
  on<K extends keyof Events>(event: K, handler: (...args: Events[K]) => void): this {
    this.handlers ??= new Map();
    let set = this.handlers.get(event);
    if (set === undefined) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler as unknown as Handler);
    return this;
  }

  /** Removes a handler added with `on` (a function never added is ignored). Returns this. */
  off<K extends keyof Events>(event: K, handler: (...args: Events[K]) => void): this {
    this.handlers?.get(event)?.delete(handler as unknown as Handler);
    return this;
  }

  /** Adds a handler that runs for the next `event` only, then removes itself. Returns this. */
  once<K extends keyof Events>(event: K, handler: (...args: Events[K]) => void): this {
    const wrapper = (...args: Events[K]): void => {
      this.off(event, wrapper);
      handler(...args);
    };
    return this.on(event, wrapper);
  }

  /** Emits an event a queue (the socket's mailbox) held back until a listener was there. */
  [emitQueued](event: keyof Events, args: unknown[]): void {
    this.emit(event, ...(args as Events[keyof Events]));
  }

  protected emit<K extends keyof Events>(event: K, ...args: Events[K]): boolean {
    const set = this.handlers?.get(event);
    if (set === undefined || set.size === 0) return false;
    for (const handler of [...set]) handler(...(args as unknown[]));
    return true;
  }

  /** How many handlers `event` has now. */
  listenerCount(event: keyof Events): number {
    return this.handlers?.get(event)?.size ?? 0;
  }
}
