/**
 * `serve()` under pressure: while connections wait in its slot line, running handshakes stalled on
 * their peer are cut to make room (the listener's StallWatch decides which, and whether any).
 * @module
 */
import type { SlotLine } from './slot-line.js';

/** How often (ms) a full line looks again for a stalled handshake: a fraction of the stall bound. */
const RECHECK_MS = 250;

/**
 * Runs a timer only while someone waits for a slot: each tick cuts stalled handshakes, one per
 * waiting connection at most, so `serve()` never waits for `handshakeTimeoutMs` behind clients that
 * went quiet mid-handshake. Idle otherwise (no timer without a line).
 *
 * @example
 * const pressure = new SlotPressure(slots, listener);
 * const slot = slots.take(transport);
 * if (slots.waiting > 0) pressure.start();
 */
export class SlotPressure {
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly slots: SlotLine,
    private readonly listener: { cutStalledHandshake?(): boolean },
  ) {}

  /** A connection just joined the line: cut now if one is stalled, and keep looking while it waits. */
  start(): void {
    if (this.listener.cutStalledHandshake === undefined) return;
    // One cut for this newcomer; the timer covers the rest of the line.
    this.listener.cutStalledHandshake();
    if (this.timer !== undefined || this.slots.waiting === 0) return;
    this.timer = setInterval(() => this.tick(), RECHECK_MS);
    this.timer.unref?.();
  }

  private tick(): void {
    // Each cut frees a slot for the next in line once the cut handshake has unwound.
    let budget = this.slots.waiting;
    while (budget-- > 0 && this.listener.cutStalledHandshake?.() === true) {
      // cut one more
    }
    if (this.slots.waiting === 0 && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
