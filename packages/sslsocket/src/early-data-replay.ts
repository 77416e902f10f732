/**
 * A listener's record of tickets whose 0-RTT data it accepted (RFC 8446 §8.1, single-use tickets),
 * bounded in time and count so that a server with `earlyData: 'enabled'` does not grow for ever.
 * @module
 */
import type { EarlyDataReplay } from '@sslsocket/handshake';

/** Tickets remembered at most (about 20 MB of identities); past that, early data is refused. */
export const DEFAULT_EARLY_DATA_REPLAY_MAX = 50_000;

/**
 * Remembers each identity until its ticket can no longer be used: a ticket older than its lifetime
 * is refused for resumption (RFC 8446 §4.6.1), and the ticket age may be off by at most the age
 * window, so an entry older than lifetime + window can never match a usable ticket again. When
 * `maxEntries` live entries are held, `has()` answers true for every new identity: its early data
 * is rejected and the handshake goes on in 1-RTT (RFC 8446 §4.2.10), which is always safe.
 *
 * @example
 * const replay = new BoundedEarlyDataReplay({ retainMs: (7200 + 10) * 1000 });
 * if (!replay.has(id)) replay.add(id); // accept this ticket's early data once
 */
export class BoundedEarlyDataReplay implements EarlyDataReplay {
  /** Identity → when it may be forgotten (ms); insertion order is expiry order. */
  private readonly entries = new Map<string, number>();
  private readonly retainMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: { retainMs: number; maxEntries?: number; now?: () => number }) {
    this.retainMs = options.retainMs;
    this.maxEntries = options.maxEntries ?? DEFAULT_EARLY_DATA_REPLAY_MAX;
    this.now = options.now ?? Date.now;
  }

  /** Identities remembered now (expired ones are dropped as they are met). */
  get size(): number {
    this.expire();
    return this.entries.size;
  }

  /** True when `identity`'s early data must be refused: seen before, or no room to remember it. */
  has(identity: string): boolean {
    this.expire();
    return this.entries.has(identity) || this.entries.size >= this.maxEntries;
  }

  add(identity: string): this {
    this.expire();
    if (this.entries.size < this.maxEntries) this.entries.set(identity, this.now() + this.retainMs);
    return this;
  }

  private expire(): void {
    const now = this.now();
    for (const [identity, until] of this.entries) {
      if (until > now) break;
      this.entries.delete(identity);
    }
  }
}
