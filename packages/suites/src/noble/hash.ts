/**
 * Hashes, HMAC, HKDF and the TLS 1.2 PRF on @noble/hashes. All synchronous (see provider.ts).
 * @module
 */
import { expand as hkdfExpandNoble, extract as hkdfExtractNoble } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { CryptoError, type HashAlgorithm, type HashContext, type MacKey } from '../provider.js';

/** The structural shape shared by every noble hash constructor. */
export interface NobleHash {
  (message: Uint8Array): Uint8Array;
  readonly outputLen: number;
  readonly blockLen: number;
  create(): NobleHashState;
}

/** The incremental state of a noble hash. */
export interface NobleHashState {
  update(data: Uint8Array): NobleHashState;
  digest(): Uint8Array;
  clone(): NobleHashState;
}

const HASHES: Readonly<Record<HashAlgorithm, NobleHash>> = {
  'SHA-1': sha1 as unknown as NobleHash,
  'SHA-224': sha224 as unknown as NobleHash,
  'SHA-256': sha256 as unknown as NobleHash,
  'SHA-384': sha384 as unknown as NobleHash,
  'SHA-512': sha512 as unknown as NobleHash,
  MD5: md5 as unknown as NobleHash,
};

/** The noble hash for an algorithm name; unknown names are a CryptoError. */
export function nobleHash(algorithm: HashAlgorithm): NobleHash {
  const hash = HASHES[algorithm];
  if (hash === undefined) throw new CryptoError(`unsupported hash ${String(algorithm)}`);
  return hash;
}

class NobleHashContext implements HashContext {
  constructor(
    readonly algorithm: HashAlgorithm,
    readonly outputLength: number,
    private readonly state: NobleHashState,
  ) {}

  update(data: Uint8Array): void {
    this.state.update(data);
  }

  digest(): Uint8Array {
    return this.state.digest();
  }

  clone(): HashContext {
    return new NobleHashContext(this.algorithm, this.outputLength, this.state.clone());
  }
}

export function createHash(algorithm: HashAlgorithm): HashContext {
  const hash = nobleHash(algorithm);
  return new NobleHashContext(algorithm, hash.outputLen, hash.create());
}

export function digest(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array {
  return nobleHash(algorithm)(data);
}

export function computeHmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(nobleHash(algorithm) as never, key, data);
}

/**
 * A reusable keyed HMAC: the keyed inner/outer states are computed once, and each digest clones them,
 * so per-record MACs in TLS 1.2 CBC suites never rehash the key.
 */
class NobleMacKey implements MacKey {
  readonly outputLength: number;
  private readonly keyed: NobleHashState;
  private current: NobleHashState;

  constructor(
    readonly hash: HashAlgorithm,
    key: Uint8Array,
  ) {
    const base = nobleHash(hash);
    this.outputLength = base.outputLen;
    this.keyed = hmac.create(base as never, key) as unknown as NobleHashState;
    this.current = this.keyed.clone();
  }

  update(data: Uint8Array): void {
    this.current.update(data);
  }

  digest(): Uint8Array {
    const mac = this.current.digest();
    this.current = this.keyed.clone();
    return mac;
  }
}

export function createMacKey(algorithm: HashAlgorithm, key: Uint8Array): MacKey {
  return new NobleMacKey(algorithm, key);
}

export function hkdfExtract(algorithm: HashAlgorithm, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  // RFC 5869 §2.2: an absent salt is HashLen zeros; noble applies that for a zero-length salt too.
  return hkdfExtractNoble(nobleHash(algorithm) as never, ikm, salt);
}

export function hkdfExpand(algorithm: HashAlgorithm, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const hash = nobleHash(algorithm);
  if (length > 255 * hash.outputLen) throw new CryptoError(`HKDF-Expand length ${length} too large`);
  return hkdfExpandNoble(hash as never, prk, info, length);
}

/** RFC 5246 §5: PRF(secret, label, seed) = P_hash(secret, label + seed). */
export function prf12(
  algorithm: HashAlgorithm,
  secret: Uint8Array,
  label: Uint8Array,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  const mac = new NobleMacKey(algorithm, secret);
  const labelSeed = new Uint8Array(label.length + seed.length);
  labelSeed.set(label);
  labelSeed.set(seed, label.length);
  const out = new Uint8Array(length);
  // A(0) = seed; A(i) = HMAC(secret, A(i-1)); output blocks are HMAC(secret, A(i) + seed).
  let a: Uint8Array = labelSeed;
  for (let filled = 0; filled < length; ) {
    mac.update(a);
    a = mac.digest();
    mac.update(a);
    mac.update(labelSeed);
    const block = mac.digest();
    const take = Math.min(block.length, length - filled);
    out.set(block.subarray(0, take), filled);
    filled += take;
  }
  return out;
}
