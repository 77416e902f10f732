/**
 * AEAD record ciphers on @noble/ciphers: AES-GCM, ChaCha20-Poly1305, and AES-CCM / CCM-8, which
 * noble lacks and is built here on its AES block function (RFC 3610, NIST SP 800-38C).
 * @module
 */
import { gcm, unsafe } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { type AeadAlgorithm, type AeadKey, CryptoError } from '../provider.js';

const NONCE_LENGTH = 12;

const KEY_LENGTHS: Readonly<Record<AeadAlgorithm, number>> = {
  'AES-128-GCM': 16,
  'AES-256-GCM': 32,
  'CHACHA20-POLY1305': 32,
  'AES-128-CCM': 16,
  'AES-256-CCM': 32,
  'AES-128-CCM-8': 16,
  'AES-256-CCM-8': 32,
};

function checkNonce(nonce: Uint8Array): void {
  if (nonce.length !== NONCE_LENGTH)
    throw new CryptoError(`AEAD nonce must be ${NONCE_LENGTH} bytes, got ${nonce.length}`);
}

/** Constant-time comparison of two equal-length tags. */
function tagsEqual(a: Uint8Array, b: Uint8Array, bOffset: number, length: number): boolean {
  let diff = 0;
  for (let i = 0; i < length; i++) diff |= (a[i] as number) ^ (b[bOffset + i] as number);
  return diff === 0;
}

class GcmKey implements AeadKey {
  readonly tagLength = 16;
  constructor(
    readonly algorithm: AeadAlgorithm,
    private readonly key: Uint8Array,
  ) {}

  seal(nonce: Uint8Array, aad: Uint8Array, buffer: Uint8Array, offset: number, length: number): void {
    checkNonce(nonce);
    // noble's GCM has no output argument; its result (ciphertext || tag) is copied back once.
    buffer.set(gcm(this.key, nonce, aad).encrypt(buffer.subarray(offset, offset + length)), offset);
  }

  open(nonce: Uint8Array, aad: Uint8Array, buffer: Uint8Array, offset: number, length: number): boolean {
    checkNonce(nonce);
    if (length < this.tagLength) return false;
    let plain: Uint8Array;
    try {
      plain = gcm(this.key, nonce, aad).decrypt(buffer.subarray(offset, offset + length));
    } catch {
      return false;
    }
    buffer.set(plain, offset);
    return true;
  }
}

class ChaChaKey implements AeadKey {
  readonly algorithm = 'CHACHA20-POLY1305' as const;
  readonly tagLength = 16;
  constructor(private readonly key: Uint8Array) {}

  seal(nonce: Uint8Array, aad: Uint8Array, buffer: Uint8Array, offset: number, length: number): void {
    checkNonce(nonce);
    const input = buffer.subarray(offset, offset + length);
    // Encrypting into a separate scratch then copying keeps noble's no-overlap rule; the tag follows.
    buffer.set(chacha20poly1305(this.key, nonce, aad).encrypt(input), offset);
  }

  open(nonce: Uint8Array, aad: Uint8Array, buffer: Uint8Array, offset: number, length: number): boolean {
    checkNonce(nonce);
    if (length < this.tagLength) return false;
    let plain: Uint8Array;
    try {
      plain = chacha20poly1305(this.key, nonce, aad).decrypt(buffer.subarray(offset, offset + length));
    } catch {
      return false;
    }
    buffer.set(plain, offset);
    return true;
  }
}

/** AES-CCM with a 12-byte nonce, so L = 3 (RFC 3610 §2; RFC 6655 §3; RFC 8446 §5.3). */
class CcmKey implements AeadKey {
  private readonly expanded: Uint32Array;
  private readonly mac = new Uint8Array(16);
  private readonly counter = new Uint8Array(16);
  private readonly block = new Uint8Array(16);
  private readonly mask = new Uint8Array(16);

  constructor(
    readonly algorithm: AeadAlgorithm,
    key: Uint8Array,
    readonly tagLength: number,
  ) {
    this.expanded = unsafe.expandKeyLE(key);
  }

  /** CBC-MAC over B0, the encoded AAD and the message (RFC 3610 §2.2), left in `this.mac`. */
  private cbcMac(nonce: Uint8Array, aad: Uint8Array, message: Uint8Array): void {
    const mac = this.mac;
    // Flags: Adata, M' = (M-2)/2, L' = L-1 = 2.
    mac[0] = (aad.length > 0 ? 0x40 : 0) | (((this.tagLength - 2) / 2) << 3) | 2;
    mac.set(nonce, 1);
    mac[13] = (message.length >>> 16) & 0xff;
    mac[14] = (message.length >>> 8) & 0xff;
    mac[15] = message.length & 0xff;
    unsafe.encryptBlock(this.expanded, mac);
    if (aad.length > 0) {
      if (aad.length >= 0xff00) throw new CryptoError('CCM additional data too long');
      // The AAD is prefixed with its 2-byte length and zero-padded to whole blocks.
      const encoded = new Uint8Array(Math.ceil((aad.length + 2) / 16) * 16);
      encoded[0] = aad.length >>> 8;
      encoded[1] = aad.length & 0xff;
      encoded.set(aad, 2);
      this.absorb(encoded);
    }
    this.absorb(message);
  }

  private absorb(data: Uint8Array): void {
    const mac = this.mac;
    for (let at = 0; at < data.length; at += 16) {
      const end = Math.min(at + 16, data.length);
      for (let i = at; i < end; i++) mac[i - at] = (mac[i - at] as number) ^ (data[i] as number);
      unsafe.encryptBlock(this.expanded, mac);
    }
  }

  /** Counter block A_i = flags(L') || nonce || i (RFC 3610 §2.3). */
  private setCounter(nonce: Uint8Array, index: number): Uint8Array {
    const counter = this.counter;
    counter[0] = 2;
    counter.set(nonce, 1);
    counter[13] = 0;
    counter[14] = 0;
    counter[15] = index;
    return counter;
  }

  /** CTR mode from A_1 (RFC 3610 §2.3), in place, one block at a time. */
  private applyKeystream(nonce: Uint8Array, message: Uint8Array): void {
    const counter = this.setCounter(nonce, 1);
    const block = this.block;
    for (let at = 0; at < message.length; at += 16) {
      block.set(counter);
      unsafe.encryptBlock(this.expanded, block);
      const end = Math.min(at + 16, message.length);
      for (let i = at; i < end; i++) message[i] = (message[i] as number) ^ (block[i - at] as number);
      // The 3-byte counter cannot overflow: a TLS record is far below 2^24 blocks.
      for (let i = 15; i >= 13; i--) {
        counter[i] = ((counter[i] as number) + 1) & 0xff;
        if (counter[i] !== 0) break;
      }
    }
  }

  /** The encryption of A_0, which masks the tag. */
  private tagMask(nonce: Uint8Array): Uint8Array {
    this.mask.set(this.setCounter(nonce, 0));
    return unsafe.encryptBlock(this.expanded, this.mask);
  }

  seal(nonce: Uint8Array, aad: Uint8Array, buffer: Uint8Array, offset: number, length: number): void {
    checkNonce(nonce);
    const message = buffer.subarray(offset, offset + length);
    this.cbcMac(nonce, aad, message);
    const mask = this.tagMask(nonce);
    this.applyKeystream(nonce, message);
    for (let i = 0; i < this.tagLength; i++)
      buffer[offset + length + i] = (this.mac[i] as number) ^ (mask[i] as number);
  }

  open(nonce: Uint8Array, aad: Uint8Array, buffer: Uint8Array, offset: number, length: number): boolean {
    checkNonce(nonce);
    const textLength = length - this.tagLength;
    if (textLength < 0) return false;
    const message = buffer.subarray(offset, offset + textLength);
    this.applyKeystream(nonce, message);
    this.cbcMac(nonce, aad, message);
    const mask = this.tagMask(nonce);
    for (let i = 0; i < this.tagLength; i++) this.mac[i] = (this.mac[i] as number) ^ (mask[i] as number);
    return tagsEqual(this.mac, buffer, offset + textLength, this.tagLength);
  }
}

/** Prepares an AEAD key; throws CryptoError for a wrong key length. */
export function createAead(algorithm: AeadAlgorithm, key: Uint8Array): AeadKey {
  const expected = KEY_LENGTHS[algorithm];
  if (expected === undefined) throw new CryptoError(`unsupported AEAD ${String(algorithm)}`);
  if (key.length !== expected) throw new CryptoError(`${algorithm} needs a ${expected}-byte key, got ${key.length}`);
  const copy = key.slice();
  switch (algorithm) {
    case 'AES-128-GCM':
    case 'AES-256-GCM':
      return new GcmKey(algorithm, copy);
    case 'CHACHA20-POLY1305':
      return new ChaChaKey(copy);
    case 'AES-128-CCM':
    case 'AES-256-CCM':
      return new CcmKey(algorithm, copy, 16);
    default:
      return new CcmKey(algorithm, copy, 8);
  }
}
