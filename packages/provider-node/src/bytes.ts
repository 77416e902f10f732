/**
 * Byte helpers for the node:crypto provider: node returns `Buffer`s, the engine speaks `Uint8Array`.
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import { CryptoError } from '@sslsocket/suites';

/**
 * Returns `buf` as a plain Uint8Array. Node allocates digests and cipher output in their own
 * ArrayBuffer, so the common case is a zero-copy view; a Buffer carved out of node's shared pool is
 * copied so callers can never reach unrelated bytes through `.buffer`.
 */
export function toU8(buf: Uint8Array): Uint8Array {
  if (buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength) {
    return new Uint8Array(buf.buffer, 0, buf.byteLength);
  }
  return new Uint8Array(buf);
}

/** RFC 4648 §5 base64url without padding, as JWK (RFC 7517) requires. */
export function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/** Decodes unpadded base64url (the JWK members node exports). */
export function fromBase64url(text: string): Uint8Array {
  return toU8(Buffer.from(text, 'base64url'));
}

/** Big-endian unsigned encoding of `value`, minimal length (at least one byte), or left-padded to `length`. */
export function bigintToBytes(value: bigint, length?: number): Uint8Array {
  if (value < 0n) throw new CryptoError('negative integer');
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = '0' + hex;
  const minimal = hex.length / 2;
  const size = length ?? minimal;
  if (minimal > size) throw new CryptoError('integer too large for its field');
  const out = new Uint8Array(size);
  for (let i = 0; i < minimal; i++) out[size - minimal + i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Big-endian unsigned decoding. */
export function bytesToBigint(bytes: Uint8Array): bigint {
  let hex = '';
  for (let i = 0; i < bytes.length; i++) hex += bytes[i].toString(16).padStart(2, '0');
  return hex.length === 0 ? 0n : BigInt('0x' + hex);
}

/** Left-pads `bytes` with zeros to `length` (no-op when already that long). */
export function leftPad(bytes: Uint8Array, length: number): Uint8Array {
  if (bytes.length === length) return bytes;
  if (bytes.length > length) throw new CryptoError('value longer than its field');
  const out = new Uint8Array(length);
  out.set(bytes, length - bytes.length);
  return out;
}

/**
 * `length` bytes in a plain Uint8Array over an ArrayBuffer of its own, not zero-filled (node's
 * `allocUnsafeSlow`: never a slice of the shared pool). The caller overwrites every byte.
 */
export function uninitialisedBytes(length: number): Uint8Array {
  const bytes = Buffer.allocUnsafeSlow(length);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, length);
}
