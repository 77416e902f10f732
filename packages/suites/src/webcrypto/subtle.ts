/**
 * Access to `crypto.subtle` and the byte conversions WebCrypto's `BufferSource` needs, shared by the
 * WebCrypto provider's files.
 * @module
 */
import { CryptoError } from '../provider.js';

/** The runtime's SubtleCrypto, or undefined where there is none (then noble does everything). */
export const subtle: SubtleCrypto | undefined = globalThis.crypto?.subtle;

export function requireSubtle(): SubtleCrypto {
  if (subtle === undefined) throw new CryptoError('crypto.subtle is not available in this runtime');
  return subtle;
}

/** An ArrayBuffer-backed copy, as WebCrypto's BufferSource wants one. */
export function copy(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}

/**
 * `bytes` itself when it is a view of an ordinary ArrayBuffer (WebCrypto copies its inputs before
 * the call returns, W3C Web Cryptography API §14.3 "get a copy of the bytes held by"), else a copy:
 * a SharedArrayBuffer view (or one from another realm) is not a BufferSource WebCrypto takes.
 */
export function bufferSource(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : copy(bytes);
}
