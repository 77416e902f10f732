/**
 * Hashes, HMAC, HKDF and the TLS 1.2 PRF on node:crypto. All synchronous: they run on small inputs
 * inside the key schedule.
 *
 * @module
 */

import * as crypto from 'node:crypto';
import type { HashAlgorithm, HashContext, MacKey } from '@sslsocket/suites';
import { CryptoError } from '@sslsocket/suites';
import { toU8 } from './bytes.js';
import { HASH_LENGTHS, HASH_NAMES, hmacTakesKeyObject } from './features.js';
import { hmacSha256 } from './hmac-sha256.js';

/**
 * Inputs up to this many bytes get HMAC-SHA-256 from hmac-sha256.ts (a few compressions cost less
 * than one createHmac); longer ones, other hashes and FIPS mode (OpenSSL's HMAC only) stay native.
 */
const SHORT_HMAC_INPUT = 256;
const jsShortHmac = (() => {
  try {
    return crypto.getFips() === 0;
  } catch {
    return false;
  }
})();

const FIRST_BLOCK = Uint8Array.of(1);

function shortSha256(algorithm: HashAlgorithm, inputLength: number): boolean {
  return jsShortHmac && algorithm === 'SHA-256' && inputLength <= SHORT_HMAC_INPUT;
}

/** A transcript hash; `clone()` is node's `Hash.copy()`, which forks the native state. */
class NodeHashContext implements HashContext {
  readonly algorithm: HashAlgorithm;
  readonly outputLength: number;
  readonly #hash: crypto.Hash;

  constructor(algorithm: HashAlgorithm, hash: crypto.Hash) {
    this.algorithm = algorithm;
    this.outputLength = HASH_LENGTHS[algorithm];
    this.#hash = hash;
  }

  update(data: Uint8Array): void {
    this.#hash.update(data);
  }

  digest(): Uint8Array {
    return toU8(this.#hash.digest());
  }

  clone(): HashContext {
    return new NodeHashContext(this.algorithm, this.#hash.copy());
  }
}

/** Starts an incremental hash. */
export function createHashContext(algorithm: HashAlgorithm): HashContext {
  return new NodeHashContext(algorithm, crypto.createHash(HASH_NAMES[algorithm]));
}

/** One-shot hash. */
export function digest(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array {
  return toU8(crypto.createHash(HASH_NAMES[algorithm]).update(data).digest());
}

/**
 * A key used for several HMACs: imported once as a KeyObject where the runtime allows, else copied
 * (so later changes to the caller's bytes cannot alter it). createSecretKey refuses empty keys, which
 * are legal for HMAC (RFC 2104 §2 pads the key with zeros).
 */
function hmacKey(key: Uint8Array): crypto.KeyObject | Uint8Array {
  return hmacTakesKeyObject && key.length > 0 ? crypto.createSecretKey(key) : new Uint8Array(key);
}

/** One-shot HMAC (RFC 2104). Raw key bytes: importing a KeyObject would cost more than it saves here. */
export function hmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array {
  if (shortSha256(algorithm, data.length)) return hmacSha256(key, [data]);
  return toU8(crypto.createHmac(HASH_NAMES[algorithm], key).update(data).digest());
}

/**
 * A reusable HMAC key. Node's `Hmac` cannot be reset after `digest()`, so a fresh one is created
 * from the imported KeyObject for each MAC (lazily, at the first `update`).
 */
class NodeMacKey implements MacKey {
  readonly hash: HashAlgorithm;
  readonly outputLength: number;
  readonly #name: string;
  readonly #key: crypto.KeyObject | Uint8Array;
  #current: crypto.Hmac | undefined;

  constructor(algorithm: HashAlgorithm, key: Uint8Array) {
    this.hash = algorithm;
    this.outputLength = HASH_LENGTHS[algorithm];
    this.#name = HASH_NAMES[algorithm];
    this.#key = hmacKey(key);
  }

  #state(): crypto.Hmac {
    this.#current ??= crypto.createHmac(this.#name, this.#key);
    return this.#current;
  }

  update(data: Uint8Array): void {
    this.#state().update(data);
  }

  digest(): Uint8Array {
    const out = toU8(this.#state().digest());
    this.#current = undefined;
    return out;
  }
}

/** Prepares a reusable HMAC key. */
export function macKey(algorithm: HashAlgorithm, key: Uint8Array): MacKey {
  return new NodeMacKey(algorithm, key);
}

/** RFC 5869 §2.2 HKDF-Extract: PRK = HMAC-Hash(salt, IKM); an empty salt is HashLen zeros. */
export function hkdfExtract(algorithm: HashAlgorithm, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  const key = salt.length > 0 ? salt : new Uint8Array(HASH_LENGTHS[algorithm]);
  return hmac(algorithm, key, ikm);
}

// HKDF-Expand and the PRF pass the raw key to each HMAC: importing a KeyObject costs more (~1.4 µs
// on node 20) than it saves per HMAC (~0.1 µs) at the handful of blocks TLS asks for.

/**
 * RFC 5869 §2.3 HKDF-Expand. Node's `hkdfSync` always runs Extract first, and the contract keeps the
 * two steps apart (TLS 1.3 §7.1 expands the same PRK many times), so T(i) is built here with HMAC.
 */
export function hkdfExpand(algorithm: HashAlgorithm, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const hashLen = HASH_LENGTHS[algorithm];
  if (!Number.isInteger(length) || length < 0 || length > 255 * hashLen) {
    throw new CryptoError(`HKDF-Expand length ${length} out of range for ${algorithm}`);
  }
  // RFC 5869 §2.3: PRK is "at least HashLen octets" (as nobleProvider enforces too).
  if (prk.length < hashLen) throw new CryptoError(`HKDF-Expand PRK shorter than ${hashLen} bytes`);
  if (shortSha256(algorithm, hashLen + info.length + 1)) {
    // T(1) = HMAC(PRK, info || 0x01) is all TLS 1.3's Expand-Label asks for up to Hash.length.
    let block = hmacSha256(prk, [info, FIRST_BLOCK]);
    if (length === hashLen) return block;
    const out = new Uint8Array(length);
    const counter = new Uint8Array(1);
    for (let at = 0, i = 1; at < length; at += hashLen) {
      out.set(block.subarray(0, Math.min(hashLen, length - at)), at);
      if (at + hashLen >= length) break;
      counter[0] = ++i;
      const next = hmacSha256(prk, [block, info, counter]);
      block.fill(0);
      block = next;
    }
    block.fill(0);
    return out;
  }
  const out = new Uint8Array(length);
  const name = HASH_NAMES[algorithm];
  // One HMAC input per block, laid out as T(i-1) || info || i; T(0) is empty, so the first block
  // (the only one TLS 1.3's Expand-Label asks for up to Hash.length bytes) hashes from hashLen on.
  const input = new Uint8Array(hashLen + info.length + 1);
  input.set(info, hashLen);
  for (let at = 0, i = 1; at < length; i++) {
    input[input.length - 1] = i;
    const block = crypto
      .createHmac(name, prk)
      .update(i === 1 ? input.subarray(hashLen) : input)
      .digest();
    out.set(block.subarray(0, Math.min(hashLen, length - at)), at);
    input.set(block, 0);
    at += hashLen;
  }
  return out;
}

/**
 * RFC 5246 §5 PRF: P_hash(secret, label + seed), where A(0) = label + seed,
 * A(i) = HMAC(secret, A(i-1)) and the output is HMAC(secret, A(i) + label + seed) for i = 1, 2, ...
 */
export function prf12(
  algorithm: HashAlgorithm,
  secret: Uint8Array,
  label: Uint8Array,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  if (!Number.isInteger(length) || length < 0) throw new CryptoError(`PRF length ${length} out of range`);
  const name = HASH_NAMES[algorithm];
  const hashLen = HASH_LENGTHS[algorithm];
  const short = shortSha256(algorithm, hashLen + label.length + seed.length);
  const mac = (...parts: Uint8Array[]): Uint8Array => {
    if (short) return hmacSha256(secret, parts);
    const h = crypto.createHmac(name, secret);
    for (const part of parts) h.update(part);
    return h.digest();
  };
  const out = new Uint8Array(length);
  let a: Uint8Array = mac(label, seed);
  for (let at = 0; at < length; at += hashLen) {
    const block = mac(a, label, seed);
    out.set(block.subarray(0, Math.min(hashLen, length - at)), at);
    if (at + hashLen < length) a = mac(a);
  }
  return out;
}
