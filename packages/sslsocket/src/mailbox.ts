import { type Emitter, emitQueued } from './emitter.js';

/** The empty event list every mailbox starts with; never pushed to (post() replaces it first). */
const NONE: never[] = [];

/**
 * Erlang's process mailbox for socket messages: events that carry data (`data`, `closed`, `error`,
 * `passive`, `session`) are kept until the application can receive them, never dropped because no
 * listener was attached yet.
 *
 * Two rules decide when a queued event leaves:
 * - nothing leaves before the mailbox is opened: the socket opens it one macrotask after the
 *   handshake promise resolved, so code that awaits `connect()` / `handshake()` and then attaches
 *   listeners sees every event, including data that arrived with the peer's Finished;
 * - an event leaves only when its type has a listener, in arrival order among those that do (like
 *   Erlang's selective receive): data waits for a `data` listener without holding back a `closed`
 *   handler's notice, and nothing is lost when a listener is attached late.
 */
export class Mailbox<Events extends Record<string, unknown[]>> {
  /** The shared empty NONE until an event waits: an idle connection keeps no array (#17). */
  private queue: { type: keyof Events; args: unknown[]; bytes: number }[] = NONE;
  private opened = false;
  private flushing = false;
  /** Bytes of queued `data` events (the socket pauses reading above its high-water mark). */
  bytes = 0;

  constructor(
    /** Whose listeners receive the events. */
    private readonly owner: Emitter<Events>,
    /** Woken when queued data left, so a read loop paused on `bytes` can go on. */
    private readonly reader: { wake(): void },
  ) {}

  /** Queues an event and delivers whatever can be delivered now. */
  post<K extends keyof Events>(type: K, ...args: Events[K]): void {
    const first = args[0];
    const bytes = first instanceof Uint8Array ? first.length : 0;
    if (this.queue === NONE) this.queue = [{ type, args, bytes }];
    else this.queue.push({ type, args, bytes });
    this.bytes += bytes;
    this.flush();
  }

  /** Drops the oldest queued `type` events beyond the newest `max` (events no listener took yet). */
  keepNewest(type: keyof Events, max: number): void {
    let excess = this.queue.filter((e) => e.type === type).length - max;
    for (let i = 0; excess > 0 && i < this.queue.length; ) {
      const entry = this.queue[i] as (typeof this.queue)[number];
      if (entry.type !== type) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.bytes -= entry.bytes;
      excess--;
    }
  }

  /** Lets events out from now on (the application has had its chance to attach). */
  open(): void {
    this.opened = true;
    this.flush();
  }

  /** True once `open()` was called. */
  get isOpen(): boolean {
    return this.opened;
  }

  /** True while events wait. */
  get size(): number {
    return this.queue.length;
  }

  /** Delivers, in order, every queued event whose type has a listener. */
  flush(): void {
    if (!this.opened || this.flushing) return;
    this.flushing = true;
    let released = false;
    try {
      // Listeners may post more events (setopts from a handler) or attach listeners: rescan until
      // a pass delivers nothing.
      for (let progress = true; progress; ) {
        progress = false;
        for (let i = 0; i < this.queue.length; i++) {
          const entry = this.queue[i] as (typeof this.queue)[number];
          if (this.owner.listenerCount(entry.type) === 0) continue;
          this.queue.splice(i, 1);
          this.bytes -= entry.bytes;
          released ||= entry.bytes > 0;
          this.owner[emitQueued](entry.type, entry.args);
          progress = true;
          break;
        }
      }
    } finally {
      this.flushing = false;
    }
    if (released) this.reader.wake();
  }
}
