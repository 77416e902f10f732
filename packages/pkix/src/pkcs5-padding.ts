/**
 * PKCS#5/#7 block padding (RFC 8018 §6.1.1 for 8-byte blocks, RFC 5652 §6.3 for any block size):
 * the plaintext is followed by 1 to blockSize bytes, each holding their count.
 * @module
 */

/**
 * `data` without its padding, or undefined when the padding is malformed (after a decryption, the
 * usual sign of a wrong password). `blockSize` is the cipher's block size in bytes (8 for DES, RC2).
 */
export function stripPadding(data: Uint8Array, blockSize: number): Uint8Array | undefined {
  const count = data.at(-1) ?? 0;
  if (count < 1 || count > blockSize || count > data.length) return undefined;
  if (data.subarray(data.length - count).some((byte) => byte !== count)) return undefined;
  return data.subarray(0, data.length - count);
}
