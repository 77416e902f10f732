/**
 * Raw AES-CBC for TLS 1.2 CBC suites (RFC 5246 §6.2.3.2): the record layer adds and checks the TLS
 * padding itself, so OpenSSL's PKCS#7 padding is switched off.
 *
 * @module
 */

import * as crypto from 'node:crypto';
import type { CbcAlgorithm, CbcKey } from '@sslsocket/suites';
import { CryptoError } from '@sslsocket/suites';
import { CBC_PARAMS, cipherTakesKeyObject } from './features.js';

const BLOCK = 16;

class NodeCbcKey implements CbcKey {
  readonly algorithm: CbcAlgorithm;
  readonly #cipher: string;
  readonly #key: crypto.KeyObject | Uint8Array;

  constructor(algorithm: CbcAlgorithm, key: Uint8Array) {
    const params = CBC_PARAMS[algorithm];
    if (key.length !== params.keyLength) {
      throw new CryptoError(`${algorithm} needs a ${params.keyLength}-byte key, got ${key.length}`);
    }
    this.algorithm = algorithm;
    this.#cipher = params.cipher;
    this.#key = cipherTakesKeyObject ? crypto.createSecretKey(key) : new Uint8Array(key);
  }

  encrypt(iv: Uint8Array, buffer: Uint8Array, offset: number, length: number): void {
    this.#run(crypto.createCipheriv(this.#cipher, this.#key, checkIv(iv)), buffer, offset, length);
  }

  decrypt(iv: Uint8Array, buffer: Uint8Array, offset: number, length: number): void {
    this.#run(crypto.createDecipheriv(this.#cipher, this.#key, checkIv(iv)), buffer, offset, length);
  }

  #run(cipher: crypto.Cipher | crypto.Decipher, buffer: Uint8Array, offset: number, length: number): void {
    if (length % BLOCK !== 0) throw new CryptoError(`CBC length ${length} is not a whole number of blocks`);
    cipher.setAutoPadding(false);
    buffer.set(cipher.update(buffer.subarray(offset, offset + length)), offset);
    cipher.final();
  }
}

function checkIv(iv: Uint8Array): Uint8Array {
  if (iv.length !== BLOCK) throw new CryptoError('CBC IV must be 16 bytes');
  return iv;
}

/** Prepares a raw CBC key on node:crypto. */
export function createCbcKey(algorithm: CbcAlgorithm, key: Uint8Array): CbcKey {
  return new NodeCbcKey(algorithm, key);
}
