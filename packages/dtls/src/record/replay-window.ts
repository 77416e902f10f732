/**
 * The DTLS anti-replay sliding window (RFC 6347 §4.1.2.6, after RFC 4303 §3.4.3): a window of the
 * last 64 sequence numbers; a record older than the window or already seen is a replay. The window
 * only moves for records whose MAC verified, so forged records cannot shift it.
 * @module
 */

/** Window size in records (RFC 4303 §3.4.3 recommends at least 32; 64 is the usual choice). */
export const REPLAY_WINDOW = 64;

export class ReplayWindow {
  /** Highest sequence number accepted, -1 before the first. */
  private highest = -1;
  /** Bit i set: record `highest - i` was accepted. */
  private seen = 0n;

  /** True when `sequence` may be new: right of the window, or inside it and not yet seen. */
  check(sequence: number): boolean {
    if (sequence > this.highest) return true;
    const age = this.highest - sequence;
    if (age >= REPLAY_WINDOW) return false;
    return ((this.seen >> BigInt(age)) & 1n) === 0n;
  }

  /** Marks `sequence` as received (call only after the record authenticated). */
  accept(sequence: number): void {
    if (sequence > this.highest) {
      const shift = this.highest < 0 ? REPLAY_WINDOW : sequence - this.highest;
      this.seen = shift >= REPLAY_WINDOW ? 1n : ((this.seen << BigInt(shift)) | 1n) & ((1n << 64n) - 1n);
      this.highest = sequence;
      return;
    }
    this.seen |= 1n << BigInt(this.highest - sequence);
  }
}
