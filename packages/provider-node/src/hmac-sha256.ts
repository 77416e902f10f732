/**
 * HMAC-SHA-256 (RFC 2104 over FIPS 180-4 SHA-256) in JavaScript, for the short inputs of the TLS key
 * schedules (RFC 8446 §7.1 HKDF, RFC 5246 §5 PRF): a label, a hash or a secret, one or two blocks.
 *
 * Why not node:crypto: `createHmac` costs 4-8 µs per call on Node 24 (OpenSSL 3.5 looks the digest
 * up again at every HMAC init, and each call builds a stream object), where the four compressions
 * of a short HMAC take about 2.5 µs here; a full TLS 1.3 handshake makes some 40 of them. Long
 * inputs (record MACs) and every other hash stay native, and so does everything in FIPS mode.
 *
 * Timing: only 32-bit additions, rotations and bitwise operations, and table reads at public
 * indices (the round number), so the time taken does not depend on the key or the message.
 *
 * @module
 */

/** FIPS 180-4 §4.2.2: the round constants. */
const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

/** FIPS 180-4 §5.3.3: the initial hash value. */
const INITIAL = Int32Array.from([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** SHA-256's block size in bytes (RFC 2104 §2: B). */
const BLOCK = 64;

// One hash at a time runs here (synchronous code, no callbacks), so the working memory is shared
// and wiped after each HMAC.
const schedule = new Int32Array(64);
const state = new Int32Array(8);
const buffered = new Uint8Array(BLOCK);
let bufferedLength = 0;
let totalLength = 0;

/** FIPS 180-4 §6.2.2: one compression of the 64-byte block at `data[at]` into `state`. */
function compress(data: Uint8Array, at: number): void {
  const w = schedule;
  for (let i = 0; i < 16; i++, at += 4) {
    w[i] =
      ((data[at] as number) << 24) |
      ((data[at + 1] as number) << 16) |
      ((data[at + 2] as number) << 8) |
      (data[at + 3] as number);
  }
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15] as number;
    const y = w[i - 2] as number;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (s1 + (w[i - 7] as number) + s0 + (w[i - 16] as number)) | 0;
  }
  let a = state[0] as number;
  let b = state[1] as number;
  let c = state[2] as number;
  let d = state[3] as number;
  let e = state[4] as number;
  let f = state[5] as number;
  let g = state[6] as number;
  let h = state[7] as number;
  for (let i = 0; i < 64; i++) {
    const sum1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + sum1 + ((e & f) ^ (~e & g)) + (K[i] as number) + (w[i] as number)) | 0;
    const sum0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (sum0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state[0] = ((state[0] as number) + a) | 0;
  state[1] = ((state[1] as number) + b) | 0;
  state[2] = ((state[2] as number) + c) | 0;
  state[3] = ((state[3] as number) + d) | 0;
  state[4] = ((state[4] as number) + e) | 0;
  state[5] = ((state[5] as number) + f) | 0;
  state[6] = ((state[6] as number) + g) | 0;
  state[7] = ((state[7] as number) + h) | 0;
}

function start(): void {
  state.set(INITIAL);
  bufferedLength = 0;
  totalLength = 0;
}

function absorb(data: Uint8Array): void {
  totalLength += data.length;
  let at = 0;
  // Byte loops rather than set(subarray()): the parts are a few dozen bytes, and a subarray is an
  // allocation.
  if (bufferedLength > 0) {
    while (at < data.length && bufferedLength < BLOCK) buffered[bufferedLength++] = data[at++] as number;
    if (bufferedLength < BLOCK) return;
    compress(buffered, 0);
    bufferedLength = 0;
  }
  for (; at + BLOCK <= data.length; at += BLOCK) compress(data, at);
  while (at < data.length) buffered[bufferedLength++] = data[at++] as number;
}

/** FIPS 180-4 §5.1.1 padding and the final compressions; the digest goes to `out[0..32)`. */
function finish(out: Uint8Array): void {
  buffered[bufferedLength++] = 0x80;
  if (bufferedLength > BLOCK - 8) {
    buffered.fill(0, bufferedLength);
    compress(buffered, 0);
    bufferedLength = 0;
  }
  buffered.fill(0, bufferedLength, BLOCK - 8);
  const bits = totalLength * 8;
  const high = Math.floor(bits / 0x100000000);
  buffered[56] = high >>> 24;
  buffered[57] = high >>> 16;
  buffered[58] = high >>> 8;
  buffered[59] = high;
  buffered[60] = bits >>> 24;
  buffered[61] = bits >>> 16;
  buffered[62] = bits >>> 8;
  buffered[63] = bits;
  compress(buffered, 0);
  for (let i = 0; i < 8; i++) {
    const word = state[i] as number;
    out[4 * i] = word >>> 24;
    out[4 * i + 1] = word >>> 16;
    out[4 * i + 2] = word >>> 8;
    out[4 * i + 3] = word;
  }
}

/** SHA-256 of `data` (FIPS 180-4), for keys longer than a block. */
function sha256(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  start();
  absorb(data);
  finish(out);
  return out;
}

const pad = new Uint8Array(BLOCK);
const innerDigest = new Uint8Array(32);

/**
 * HMAC-SHA-256(key, parts[0] || parts[1] || ...) per RFC 2104 §2: the parts are hashed in order,
 * never joined. Returns a fresh 32-byte array.
 */
export function hmacSha256(key: Uint8Array, parts: readonly Uint8Array[]): Uint8Array {
  // RFC 2104 §2: a key longer than B is hashed first; a shorter one is padded with zeros.
  const k = key.length > BLOCK ? sha256(key) : key;
  for (let i = 0; i < BLOCK; i++) pad[i] = (i < k.length ? (k[i] as number) : 0) ^ 0x36;
  start();
  absorb(pad);
  for (const part of parts) absorb(part);
  finish(innerDigest);
  for (let i = 0; i < BLOCK; i++) pad[i] = (pad[i] as number) ^ (0x36 ^ 0x5c);
  const out = new Uint8Array(32);
  start();
  absorb(pad);
  absorb(innerDigest);
  finish(out);
  // No key material stays behind in the shared working memory.
  pad.fill(0);
  innerDigest.fill(0);
  buffered.fill(0);
  schedule.fill(0);
  state.fill(0);
  if (k !== key) k.fill(0);
  return out;
}
