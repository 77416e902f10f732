/**
 * RC2 decryption (RFC 2268), for the one place it still appears: PKCS#12 files written by
 * `openssl pkcs12 -export -legacy` and older tools, whose certificates are encrypted with
 * pbeWithSHAAnd40BitRC2-CBC (RFC 7292 Appendix C). Decryption only; OpenSSL 3 itself needs its
 * legacy provider for RC2, node:crypto on OpenSSL 3 has none.
 * @module
 */

/** PITABLE (RFC 2268 §2): a permutation of 0..255 derived from the digits of pi. */
const PITABLE = Uint8Array.from(
  (
    'd978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2179a59f587b34f1361456d8d09817d32' +
    'bd8f40eb86b77b0bf09521225c6b4e8254d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb626' +
    '6fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed708e8eade8052eef784aa72ac354d6a2a' +
    '961ad2715a1549744b9fd05e0418a4ecc2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731' +
    '2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a90d38341bab33ffb0bb480c5fb9b1cd2e' +
    'c5f3db47e5a59c770aa62068fe7fc1ad'
  )
    .match(/../g)
    ?.map((pair) => Number.parseInt(pair, 16)) ?? [],
);

/** RFC 2268 §2: the 64 16-bit subkeys for `key` (1–128 bytes) limited to `effectiveBits` bits. */
export function rc2KeySchedule(key: Uint8Array, effectiveBits: number): Uint16Array {
  if (key.length < 1 || key.length > 128) throw new RangeError('RC2 keys are 1 to 128 bytes');
  if (effectiveBits < 1 || effectiveBits > 1024) throw new RangeError('RC2 effective key bits are 1 to 1024');
  const L = new Uint8Array(128);
  L.set(key);
  const T = key.length;
  for (let i = T; i < 128; i++) L[i] = PITABLE[((L[i - 1] as number) + (L[i - T] as number)) & 0xff] as number;
  const T8 = Math.ceil(effectiveBits / 8);
  const TM = 0xff >> (8 * T8 - effectiveBits);
  L[128 - T8] = PITABLE[(L[128 - T8] as number) & TM] as number;
  for (let i = 127 - T8; i >= 0; i--) L[i] = PITABLE[(L[i + 1] as number) ^ (L[i + T8] as number)] as number;
  const K = new Uint16Array(64);
  for (let i = 0; i < 64; i++) K[i] = (L[2 * i] as number) | ((L[2 * i + 1] as number) << 8);
  return K;
}

const SHIFTS = [1, 2, 3, 5];

/** RFC 2268 §4: one 8-byte block decrypted in place (words little-endian). */
function decryptBlock(K: Uint16Array, block: Uint8Array, at: number): void {
  const R = [0, 1, 2, 3].map((i) => (block[at + 2 * i] as number) | ((block[at + 2 * i + 1] as number) << 8));
  let j = 63;
  const word = (i: number) => R[i & 3] as number;
  // §4.1 r-mixing reversed: rotate right, then subtract what mixing added.
  const mix = () => {
    for (let i = 3; i >= 0; i--) {
      const rotated = ((word(i) >>> SHIFTS[i]!) | (word(i) << (16 - SHIFTS[i]!))) & 0xffff;
      R[i] =
        (rotated - (K[j--] as number) - (word(i - 1) & word(i - 2)) - (~word(i - 1) & 0xffff & word(i - 3))) & 0xffff;
    }
  };
  // §4.2 r-mashing reversed.
  const mash = () => {
    for (let i = 3; i >= 0; i--) R[i] = (word(i) - (K[word(i - 1) & 63] as number)) & 0xffff;
  };
  // Encryption is 5 mixing rounds, a mash, 6 mixing, a mash, 5 mixing: undone in reverse.
  for (let r = 0; r < 5; r++) mix();
  mash();
  for (let r = 0; r < 6; r++) mix();
  mash();
  for (let r = 0; r < 5; r++) mix();
  for (let i = 0; i < 4; i++) {
    block[at + 2 * i] = (R[i] as number) & 0xff;
    block[at + 2 * i + 1] = (R[i] as number) >> 8;
  }
}

/** RC2 in ECB: every 8-byte block of `data` decrypted (a copy). */
export function rc2DecryptEcb(K: Uint16Array, data: Uint8Array): Uint8Array {
  const out = data.slice();
  for (let at = 0; at + 8 <= out.length; at += 8) decryptBlock(K, out, at);
  return out;
}

/** RC2-CBC decryption of `data` (a multiple of 8 bytes) with `iv`; padding is the caller's. */
export function rc2CbcDecrypt(key: Uint8Array, effectiveBits: number, iv: Uint8Array, data: Uint8Array): Uint8Array {
  if (data.length % 8 !== 0 || iv.length !== 8) throw new RangeError('RC2-CBC needs whole 8-byte blocks');
  const out = rc2DecryptEcb(rc2KeySchedule(key, effectiveBits), data);
  for (let i = 0; i < out.length; i++)
    out[i] = (out[i] as number) ^ (i < 8 ? (iv[i] as number) : (data[i - 8] as number));
  return out;
}
