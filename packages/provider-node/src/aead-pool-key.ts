/**
 * An AeadKey whose records of at least `minBytes` are sealed and opened by the worker pool
 * (aead-pool.ts); smaller ones, and every record once the pool is closed, full or broken, go to
 * the synchronous node:crypto key (aead.ts) on the calling thread, with the same results.
 *
 * @module
 */

import type { AeadAlgorithm, AeadKey, MaybePromise } from '@sslsocket/suites';
import { createAeadKey } from './aead.js';
import {
  type AeadPool,
  MAX_AAD,
  OP_OPEN,
  OP_SEAL,
  OPEN_DETACHED,
  OPEN_INTO,
  SEAL_INTO,
  SLOT_DATA,
} from './aead-pool.js';
import { NONCE_LENGTH } from './aead-ring.js';

class PoolAeadKey implements AeadKey {
  readonly algorithm: AeadAlgorithm;
  readonly tagLength: number;
  /** Records may finish in a worker: openDetached can return a Promise. */
  readonly openDetachedSync = false;
  readonly #sync: AeadKey;
  readonly #pool: AeadPool;
  readonly #minBytes: number;
  /** The key bytes until the workers have them (sent on first pooled use), then undefined. */
  #raw: Uint8Array | undefined;
  #id = 0;

  constructor(pool: AeadPool, algorithm: AeadAlgorithm, key: Uint8Array, minBytes: number) {
    // The synchronous key checks the key length (CryptoError) before anything is shared.
    this.#sync = createAeadKey(algorithm, key);
    this.algorithm = algorithm;
    this.tagLength = this.#sync.tagLength;
    this.#pool = pool;
    this.#minBytes = minBytes;
    this.#raw = key.slice();
  }

  /** Whether a record of `length` bytes (tag included) goes to the pool; false runs it here. */
  #pooled(nonce: Uint8Array, aad: Uint8Array, length: number): boolean {
    return (
      length >= this.#minBytes &&
      length <= SLOT_DATA &&
      aad.length <= MAX_AAD &&
      nonce.length === NONCE_LENGTH &&
      this.#pool.accepting
    );
  }

  /** The key's id in the workers, sending it to them the first time. */
  #keyId(): number {
    if (this.#id === 0) {
      this.#id = this.#pool.addKey(this, this.algorithm, this.#raw as Uint8Array);
      this.#raw = undefined;
    }
    return this.#id;
  }

  seal(nonce: Uint8Array, aad: Uint8Array, buffer: Uint8Array, offset: number, length: number): MaybePromise<void> {
    if (!this.#pooled(nonce, aad, length + this.tagLength)) return this.#sync.seal(nonce, aad, buffer, offset, length);
    const id = this.#keyId();
    const pool = this.#pool;
    const slot = pool.begin(nonce, aad);
    pool.ring.bytes.set(buffer.subarray(offset, offset + length), pool.ring.dataAt(slot));
    return pool.submit(slot, id, OP_SEAL, length, length + this.tagLength, SEAL_INTO, buffer, offset);
  }

  sealTo(
    nonce: Uint8Array,
    aad: Uint8Array,
    input: Uint8Array,
    trailer: Uint8Array | undefined,
    output: Uint8Array,
    outputOffset: number,
  ): MaybePromise<void> {
    const length = input.length + (trailer?.length ?? 0);
    if (!this.#pooled(nonce, aad, length + this.tagLength)) {
      return (this.#sync.sealTo as NonNullable<AeadKey['sealTo']>)(nonce, aad, input, trailer, output, outputOffset);
    }
    const id = this.#keyId();
    const pool = this.#pool;
    const slot = pool.begin(nonce, aad);
    const at = pool.ring.dataAt(slot);
    pool.ring.bytes.set(input, at);
    if (trailer !== undefined) pool.ring.bytes.set(trailer, at + input.length);
    return pool.submit(slot, id, OP_SEAL, length, length + this.tagLength, SEAL_INTO, output, outputOffset);
  }

  open(nonce: Uint8Array, aad: Uint8Array, buffer: Uint8Array, offset: number, length: number): MaybePromise<boolean> {
    if (length < this.tagLength || !this.#pooled(nonce, aad, length)) {
      return this.#sync.open(nonce, aad, buffer, offset, length);
    }
    const slot = this.#fill(nonce, aad, buffer, offset, length);
    return this.#pool.submit(slot, this.#keyId(), OP_OPEN, length, length - this.tagLength, OPEN_INTO, buffer, offset);
  }

  openDetached(
    nonce: Uint8Array,
    aad: Uint8Array,
    buffer: Uint8Array,
    offset: number,
    length: number,
  ): MaybePromise<Uint8Array | null> {
    if (length < this.tagLength || !this.#pooled(nonce, aad, length)) {
      return (this.#sync.openDetached as NonNullable<AeadKey['openDetached']>)(nonce, aad, buffer, offset, length);
    }
    const slot = this.#fill(nonce, aad, buffer, offset, length);
    return this.#pool.submit(
      slot,
      this.#keyId(),
      OP_OPEN,
      length,
      length - this.tagLength,
      OPEN_DETACHED,
      undefined,
      0,
    );
  }

  /** Takes a slot and copies the record into it: the caller's buffer is free once this returns. */
  #fill(nonce: Uint8Array, aad: Uint8Array, buffer: Uint8Array, offset: number, length: number): number {
    const pool = this.#pool;
    const slot = pool.begin(nonce, aad);
    pool.ring.bytes.set(buffer.subarray(offset, offset + length), pool.ring.dataAt(slot));
    return slot;
  }
}

/** An AEAD key on `pool` (records of at least `minBytes`, tag included, go to the workers). */
export function createPoolAeadKey(
  pool: AeadPool,
  algorithm: AeadAlgorithm,
  key: Uint8Array,
  minBytes: number,
): AeadKey {
  return new PoolAeadKey(pool, algorithm, key, minBytes);
}
