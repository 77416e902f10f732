/**
 * Handshakes stalled on their peer: which running handshake is waiting for bytes that do not come,
 * so that a full set of handshake slots can make room for a client in line.
 * @module
 */
import type { Transport } from '@sslsocket/transport';
import { TimeoutError } from './errors.js';
import { HandedBackTransport } from './handed-back-transport.js';

/** Default of `minHandshakeStallMs`: see {@link StallWatch}. */
export const DEFAULT_MIN_HANDSHAKE_STALL_MS = 2_000;

/**
 * The transport a handshake runs on, watched: is a read outstanding (the engine waits for the
 * peer), and when did the last bytes arrive. The socket's read loop calls `read()` only when it
 * has nothing left to process, so while our own async work runs (verifyFun, SNI callback, session
 * store, WebCrypto) no read is outstanding and the handshake never counts as stalled.
 */
class WatchedTransport extends HandedBackTransport {
  /** A read is outstanding: the handshake waits for its peer. */
  reading = false;
  /** performance.now() of the last bytes read (or of the start of the handshake). */
  lastBytesAt = performance.now();
  /** Once the handshake has ended, reads pass straight through. */
  watching = true;

  override read(): Promise<Uint8Array | null> {
    const read = super.read();
    if (!this.watching) return read;
    this.reading = true;
    return read.then(
      (chunk) => {
        this.reading = false;
        this.lastBytesAt = performance.now();
        return chunk;
      },
      (error: unknown) => {
        this.reading = false;
        throw error;
      },
    );
  }
}

/** One running handshake. */
interface Running {
  readonly transport: WatchedTransport;
  readonly cut: (error: Error) => void;
}

/** What {@link StallWatch.track} gives a handshake. */
export interface Tracked {
  /** The transport to run the handshake on. */
  readonly transport: Transport;
  /** Rejects (with a TimeoutError) if the handshake is cut to make room; never resolves otherwise. */
  readonly cut: Promise<never>;
  /** Call when the handshake has ended, either way: frees its slot. */
  readonly done: () => void;
}

/**
 * The running handshakes of one listener. When every handshake slot is taken and a connection
 * waits for one, {@link cutOne} cuts the handshake that has waited on its peer longest, provided
 * that wait is at least `minStallMs`: a client that sent one byte or a ClientHello and then went
 * quiet cannot hold a slot for the whole `handshakeTimeoutMs` while good clients wait.
 *
 * Never cut: a handshake whose bytes keep coming (each arrival restarts its stall), and one waiting
 * on our own async work (no read outstanding then). An honest peer answers each flight within a
 * round trip plus its own computation (RFC 8446 §2: the full handshake is 1 RTT; the client's
 * second flight follows the server's at once), so a few seconds of silence mid-handshake, while
 * others wait, is no honest client. The idea is Apache mod_reqtimeout's minimum rate, applied only
 * under pressure: with free slots, a slow peer keeps its slot until `handshakeTimeoutMs`.
 *
 * The cut handshake ends as the handshake timeout ends one: user_canceled + close_notify
 * (RFC 8446 §6.1), flushed, then the transport closed; its `handshake()` rejects with a TimeoutError.
 *
 * @example
 * const watch = new StallWatch(2_000);
 * const { transport, cut, done } = watch.track(raw);
 * try { await handshakeRacing(transport, cut); } finally { done(); }
 * if (watch.size >= limit) watch.cutOne(); // a newcomer is waiting
 */
export class StallWatch {
  private readonly running = new Set<Running>();
  /** Handshakes cut to make room (for monitoring). */
  cut = 0;

  constructor(
    /** Minimum silence (ms, read outstanding) before a handshake may be cut. */
    readonly minStallMs: number,
  ) {}

  /** Handshakes running and not cut. */
  get size(): number {
    return this.running.size;
  }

  /** Starts watching a handshake on `raw`; see {@link Tracked}. */
  track(raw: Transport): Tracked {
    const transport = new WatchedTransport(raw, [], false, undefined);
    let reject!: (error: Error) => void;
    const cut = new Promise<never>((_, no) => {
      reject = no;
    });
    // Nobody may await `cut` if the handshake fails first: keep it from counting as unhandled.
    cut.catch(() => undefined);
    const entry: Running = { transport, cut: reject };
    this.running.add(entry);
    return {
      transport,
      cut,
      done: () => {
        transport.watching = false;
        this.running.delete(entry);
      },
    };
  }

  /**
   * Cuts the handshake stalled on its peer longest, if one has been for `minStallMs` or more; its
   * slot is free on return (it no longer counts in `size`). Returns whether one was cut.
   */
  cutOne(now = performance.now()): boolean {
    let victim: Running | undefined;
    for (const entry of this.running) {
      const t = entry.transport;
      if (!t.reading || now - t.lastBytesAt < this.minStallMs) continue;
      if (victim === undefined || t.lastBytesAt < victim.transport.lastBytesAt) victim = entry;
    }
    if (victim === undefined) return false;
    this.running.delete(victim);
    victim.transport.watching = false;
    this.cut++;
    const stalled = Math.round(now - victim.transport.lastBytesAt);
    victim.cut(
      new TimeoutError(`handshake cut to make room: its peer sent nothing for ${stalled} ms while others waited`),
    );
    return true;
  }
}
