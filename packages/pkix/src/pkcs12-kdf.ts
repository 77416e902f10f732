import { concatBytes } from '@noble/hashes/utils.js';

/** A hash as @noble/hashes shapes it: call it, and it says its output length. */
export type KdfHash = ((data: Uint8Array) => Uint8Array) & { readonly outputLen: number };

/** What the PKCS#12 KDF derives (RFC 7292 Appendix B.3): the ID byte that fills D. */
export const KDF_ID = { key: 1, iv: 2, mac: 3 } as const;

/**
 * RFC 7292 Appendix B.2: the PKCS#12 key derivation. The password is a BMPString with its two
 * zero bytes of termination (App. B.1); `v` is the hash's block size in bytes, `id` says whether
 * the bytes are a cipher key, an IV or a MAC key.
 */
export function pkcs12Kdf(
  hash: KdfHash,
  v: number,
  password: string,
  salt: Uint8Array,
  iterations: number,
  length: number,
  id: number,
): Uint8Array {
  const bmp = new Uint8Array(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) {
    bmp[2 * i] = password.charCodeAt(i) >> 8;
    bmp[2 * i + 1] = password.charCodeAt(i) & 0xff;
  }
  const stretch = (input: Uint8Array): Uint8Array => {
    const out = new Uint8Array(v * Math.ceil(input.length / v));
    for (let i = 0; i < out.length; i++) out[i] = input[i % input.length] as number;
    return out;
  };
  const I = concatBytes(salt.length === 0 ? salt : stretch(salt), stretch(bmp));
  const D = new Uint8Array(v).fill(id);
  const out = new Uint8Array(length);
  for (let filled = 0; filled < length; ) {
    let A = hash(concatBytes(D, I));
    for (let r = 1; r < iterations; r++) A = hash(A);
    out.set(A.subarray(0, length - filled), filled);
    filled += A.length;
    if (filled >= length) break;
    const B = stretch(A);
    for (let j = 0; j < I.length; j += v) {
      // I_j = (I_j + B + 1) mod 2^(8v)
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = (I[j + k] as number) + (B[k] as number) + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return out;
}
