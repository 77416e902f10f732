// The pool of small random draws: every byte served once, fresh arrays, large draws unpooled.
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { describe, expect, it } from 'vitest';
import { randomBytes } from './random-pool.js';

describe('random pool', () => {
  it('small draws are fresh arrays of the length asked, and no two draws repeat', () => {
    const seen = new Set<string>();
    // More than one pool's worth (4096 bytes), so refills are crossed.
    for (let i = 0; i < 400; i++) {
      const draw = randomBytes(32);
      expect(draw).toHaveLength(32);
      expect(draw.buffer.byteLength).toBe(32);
      expect(Object.getPrototypeOf(draw)).toBe(Uint8Array.prototype);
      seen.add(Buffer.from(draw).toString('hex'));
    }
    expect(seen.size).toBe(400);
  });

  it('a draw the caller changes or wipes does not change the next one', () => {
    const first = randomBytes(16);
    first.fill(0);
    const second = randomBytes(16);
    expect(second.some((byte) => byte !== 0)).toBe(true);
    expect(randomBytes(0)).toHaveLength(0);
  });

  it('fills the pool with one randomFillSync per 4 KiB of small draws; large draws get their own', () => {
    // Empty what is left of the current pool, so the count below starts at a refill.
    for (let i = 0; i < 4096 / 64; i++) randomBytes(64);
    // The ESM namespace of node:crypto follows its CommonJS exports after syncBuiltinESMExports().
    const crypto = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
    const original = crypto.randomFillSync;
    const filled: unknown[] = [];
    crypto.randomFillSync = ((buffer: Uint8Array) => {
      filled.push(buffer);
      return original(buffer);
    }) as typeof original;
    syncBuiltinESMExports();
    try {
      for (let i = 0; i < 128; i++) randomBytes(32);
      expect(filled.length).toBe(1);
      const big = randomBytes(65);
      expect(big).toHaveLength(65);
      expect(filled).toHaveLength(2);
      expect(filled[1]).toBe(big);
    } finally {
      crypto.randomFillSync = original;
      syncBuiltinESMExports();
    }
  });

  it('lengths outside the pool behave as new Uint8Array(length) does', () => {
    expect(() => randomBytes(-1)).toThrow(RangeError);
    expect(randomBytes(1.5)).toHaveLength(1);
  });
});
