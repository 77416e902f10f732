/**
 * Raw AES-CBC for TLS 1.2 CBC suites: whole blocks only, no padding (the record layer owns TLS
 * padding and its constant-time check).
 * @module
 */
import { cbc } from '@noble/ciphers/aes.js';
import { type CbcAlgorithm, type CbcKey, CryptoError } from '../provider.js';

class NobleCbcKey implements CbcKey {
  constructor(
    readonly algorithm: CbcAlgorithm,
    private readonly key: Uint8Array,
  ) {}

  encrypt(iv: Uint8Array, buffer: Uint8Array, offset: number, length: number): void {
    checkLengths(iv, length);
    const view = buffer.subarray(offset, offset + length);
    buffer.set(cbc(this.key, iv, { disablePadding: true }).encrypt(view), offset);
  }

  decrypt(iv: Uint8Array, buffer: Uint8Array, offset: number, length: number): void {
    checkLengths(iv, length);
    const view = buffer.subarray(offset, offset + length);
    buffer.set(cbc(this.key, iv, { disablePadding: true }).decrypt(view), offset);
  }
}

function checkLengths(iv: Uint8Array, length: number): void {
  if (iv.length !== 16) throw new CryptoError('AES-CBC IV must be 16 bytes');
  if (length % 16 !== 0) throw new CryptoError(`AES-CBC input of ${length} bytes is not whole blocks`);
}

export function createCbc(algorithm: CbcAlgorithm, key: Uint8Array): CbcKey {
  const expected = algorithm === 'AES-128-CBC' ? 16 : algorithm === 'AES-256-CBC' ? 32 : undefined;
  if (expected === undefined) throw new CryptoError(`unsupported CBC cipher ${String(algorithm)}`);
  if (key.length !== expected) throw new CryptoError(`${algorithm} needs a ${expected}-byte key, got ${key.length}`);
  return new NobleCbcKey(algorithm, key.slice());
}
