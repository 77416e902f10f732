/**
 * Random bytes for the engine's small draws (hello randoms, session ids, ticket nonces and age_add,
 * AEAD nonces of tickets: five or six per handshake), served from a block filled by one
 * `randomFillSync` call. Each `randomFillSync` is a native job (~4 µs on Node 24 whatever the
 * size), so one call per 4 KiB replaces one per draw; node's `randomUUID` keeps a pool the same way.
 *
 * Every byte is handed out once: a draw is copied out of the block and the block's copy wiped at
 * once, so nothing served stays behind in it. Large draws bypass the pool.
 *
 * @module
 */

import * as crypto from 'node:crypto';

/** Draws up to this size come from the pool; larger ones get their own randomFillSync. */
const POOLED_MAX = 64;
const POOL_SIZE = 4096;

const pool = new Uint8Array(POOL_SIZE);
let used = POOL_SIZE;

/** `length` bytes from the OS CSPRNG (through OpenSSL's DRBG, as `crypto.randomFillSync` gives them). */
export function randomBytes(length: number): Uint8Array {
  // Large draws, and bad lengths (new Uint8Array throws RangeError as it always did).
  if (!(Number.isInteger(length) && length >= 0 && length <= POOLED_MAX)) {
    return crypto.randomFillSync(new Uint8Array(length));
  }
  if (used + length > POOL_SIZE) {
    crypto.randomFillSync(pool);
    used = 0;
  }
  const out = pool.slice(used, used + length);
  pool.fill(0, used, used + length);
  used += length;
  return out;
}
