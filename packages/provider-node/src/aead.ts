/**
 * AEAD record protection on node:crypto (RFC 5116 interface; TLS 1.3 §5.2, TLS 1.2 RFC 5288/6655/7905).
 *
 * Node has no "seal into this buffer" call: each record needs its own cipher object (the nonce is
 * fixed at construction) and `update()` returns a fresh Buffer. The key is imported once as a
 * KeyObject at its second use, the caller's nonce is passed straight through (node copies it into
 * the native context), and the output lands in the caller's buffer with a single `set` for the body
 * and one for the tag.
 *
 * @module
 */

import * as crypto from 'node:crypto';
import type { AeadAlgorithm, AeadKey } from '@sslsocket/suites';
import { CryptoError } from '@sslsocket/suites';
import { AEAD_PARAMS, cipherTakesKeyObject } from './features.js';

/** TLS AEAD nonces are always 12 bytes (RFC 8446 §5.3, RFC 5288 §3, RFC 6655 §3, RFC 7905 §2). */
const NONCE_LENGTH = 12;

// node's typings overload createCipheriv per mode; one CCM-typed alias covers all three modes here
// (#cipherFor and #setAad pass authTagLength and the AAD's plaintextLength where CCM requires them).
type AnyAeadCipher = crypto.CipherCCM;
type AnyAeadDecipher = crypto.DecipherCCM;

class NodeAeadKey implements AeadKey {
  readonly algorithm: AeadAlgorithm;
  readonly tagLength: number;
  /** node:crypto is synchronous: the record layer may open records where the chunk lies. */
  readonly openDetachedSync = true;
  readonly #cipher: crypto.CipherCCMTypes;
  /** The caller's key copied, until its second use imports it (see {@link NodeAeadKey.#keyForUse}). */
  #key: crypto.KeyObject | Uint8Array;
  #used = false;
  /** CCM only: GCM and ChaCha20-Poly1305 default to the 16-byte tag TLS uses, and skip the option checks. */
  readonly #options: crypto.CipherCCMOptions | undefined;
  readonly #ccm: boolean;

  constructor(algorithm: AeadAlgorithm, key: Uint8Array) {
    const params = AEAD_PARAMS[algorithm];
    if (key.length !== params.keyLength) {
      throw new CryptoError(`${algorithm} needs a ${params.keyLength}-byte key, got ${key.length}`);
    }
    this.algorithm = algorithm;
    this.tagLength = params.tagLength;
    this.#cipher = params.cipher as crypto.CipherCCMTypes;
    // A copy, so later changes to the caller's array cannot alter the key.
    this.#key = new Uint8Array(key);
    this.#ccm = algorithm.includes('CCM');
    this.#options = this.#ccm ? { authTagLength: params.tagLength } : undefined;
  }

  seal(nonce: Uint8Array, aad: Uint8Array, buffer: Uint8Array, offset: number, length: number): void {
    checkNonce(nonce);
    const cipher = this.#cipherFor(nonce);
    this.#setAad(cipher, aad, length);
    const body = cipher.update(buffer.subarray(offset, offset + length));
    cipher.final();
    buffer.set(body, offset);
    buffer.set(cipher.getAuthTag(), offset + length);
  }

  sealTo(
    nonce: Uint8Array,
    aad: Uint8Array,
    input: Uint8Array,
    trailer: Uint8Array | undefined,
    output: Uint8Array,
    outputOffset: number,
  ): void {
    const trailerLength = trailer?.length ?? 0;
    const length = input.length + trailerLength;
    if (trailerLength > 0 && this.#ccm) {
      // CCM takes its whole plaintext in one update() (RFC 3610 §2.2: B_0 holds the length), so
      // input || trailer is placed where the record goes and sealed there.
      output.set(input, outputOffset);
      output.set(trailer as Uint8Array, outputOffset + input.length);
      this.seal(nonce, aad, output, outputOffset, length);
      return;
    }
    checkNonce(nonce);
    const cipher = this.#cipherFor(nonce);
    this.#setAad(cipher, aad, length);
    // The cipher reads the application data where it lies and its output is the only copy made;
    // the trailer (TLS 1.3's inner content type, RFC 8446 §5.2) goes through a second, tiny update:
    // measured cheaper than first copying the 16 KiB input next to it in the output buffer.
    let at = outputOffset;
    const body = cipher.update(input);
    output.set(body, at);
    at += body.length;
    if (trailerLength > 0) {
      const tail = cipher.update(trailer as Uint8Array);
      output.set(tail, at);
      at += tail.length;
    }
    const rest = cipher.final();
    if (rest.length > 0) output.set(rest, at);
    output.set(cipher.getAuthTag(), outputOffset + length);
  }

  /**
   * The key for one cipher object: the raw copy at the first use, a KeyObject (imported once, the
   * copy wiped) from the second on. A TLS 1.3 handshake key protects one or two records and a short
   * connection's application keys may protect none, so importing at creation cost a KeyObject per
   * key that a record stream alone pays back.
   */
  #keyForUse(): crypto.KeyObject | Uint8Array {
    const key = this.#key;
    if (!this.#used) {
      this.#used = true;
      return key;
    }
    if (key instanceof Uint8Array && cipherTakesKeyObject) {
      this.#key = crypto.createSecretKey(key);
      key.fill(0);
    }
    return this.#key;
  }

  #cipherFor(nonce: Uint8Array): AnyAeadCipher {
    const key = this.#keyForUse();
    return (
      this.#options === undefined
        ? crypto.createCipheriv(this.#cipher, key, nonce)
        : crypto.createCipheriv(this.#cipher, key, nonce, this.#options)
    ) as AnyAeadCipher;
  }

  /** CCM must know the plaintext length before the AAD (RFC 3610 §2.2); the others take the AAD alone. */
  #setAad(cipher: AnyAeadCipher | AnyAeadDecipher, aad: Uint8Array, plaintextLength: number): void {
    if (this.#ccm) cipher.setAAD(aad, { plaintextLength });
    else (cipher as crypto.CipherGCM | crypto.DecipherGCM).setAAD(aad);
  }

  open(nonce: Uint8Array, aad: Uint8Array, buffer: Uint8Array, offset: number, length: number): boolean {
    const plain = this.openDetached(nonce, aad, buffer, offset, length);
    if (plain === null) return false;
    buffer.set(plain, offset);
    return true;
  }

  openDetached(
    nonce: Uint8Array,
    aad: Uint8Array,
    buffer: Uint8Array,
    offset: number,
    length: number,
  ): Uint8Array | null {
    checkNonce(nonce);
    const textLength = length - this.tagLength;
    if (textLength < 0) return null;
    const key = this.#keyForUse();
    const decipher = (
      this.#options === undefined
        ? crypto.createDecipheriv(this.#cipher, key, nonce)
        : crypto.createDecipheriv(this.#cipher, key, nonce, this.#options)
    ) as AnyAeadDecipher;
    // CCM needs the tag before any data; setting it first is valid for every mode.
    decipher.setAuthTag(buffer.subarray(offset + textLength, offset + length));
    this.#setAad(decipher, aad, textLength);
    try {
      // update() returns a fresh array: it is the plaintext the caller keeps, no copy back needed.
      const plain = decipher.update(buffer.subarray(offset, offset + textLength));
      const rest = decipher.final();
      const whole = rest.length === 0 ? plain : Buffer.concat([plain, rest]);
      // A plain Uint8Array view: callers hand it to applications, which expect no Buffer subclass.
      return new Uint8Array(whole.buffer, whole.byteOffset, whole.length);
    } catch {
      // Authentication failure: the unverified plaintext never reaches the caller.
      return null;
    }
  }
}

function checkNonce(nonce: Uint8Array): void {
  if (nonce.length !== NONCE_LENGTH) throw new CryptoError(`AEAD nonce must be ${NONCE_LENGTH} bytes`);
}

/** Prepares an AEAD key on node:crypto (the caller has checked the runtime supports `algorithm`). */
export function createAeadKey(algorithm: AeadAlgorithm, key: Uint8Array): AeadKey {
  return new NodeAeadKey(algorithm, key);
}
