// The listener's 0-RTT replay record is single-use per ticket, forgets a ticket only once it can no
// longer be used, and stops growing at its bound (early data refused, 1-RTT goes on).
import { describe, expect, it } from 'vitest';
import { BoundedEarlyDataReplay } from './early-data-replay.js';

describe('BoundedEarlyDataReplay', () => {
  it('accepts an identity once; a replay within the ticket lifetime is refused', () => {
    let now = 0;
    const replay = new BoundedEarlyDataReplay({ retainMs: 7_210_000, now: () => now });
    expect(replay.has('a')).toBe(false);
    replay.add('a');
    now = 7_209_999;
    expect(replay.has('a')).toBe(true);
    expect(replay.has('b')).toBe(false);
  });

  it('forgets identities whose tickets have expired, so the record does not grow for ever', () => {
    let now = 0;
    const replay = new BoundedEarlyDataReplay({ retainMs: 1000, now: () => now });
    for (let i = 0; i < 100; i++) {
      now = i * 100;
      replay.add(`id${i}`);
    }
    // At 9,900 ms the entries added before 8,900 ms have expired: 10 remain.
    expect(replay.size).toBe(10);
    expect(replay.has('id0')).toBe(false);
    expect(replay.has('id99')).toBe(true);
  });

  it('when full, refuses every new identity (no early data) and remembers the old ones', () => {
    let now = 0;
    const replay = new BoundedEarlyDataReplay({ retainMs: 1000, maxEntries: 3, now: () => now });
    for (const id of ['a', 'b', 'c']) replay.add(id);
    expect(replay.has('d')).toBe(true);
    replay.add('d');
    expect(replay.size).toBe(3);
    expect(replay.has('a')).toBe(true);
    // Room again once the first entries expire.
    now = 1000;
    expect(replay.has('d')).toBe(false);
    expect(replay.size).toBe(0);
  });
});
