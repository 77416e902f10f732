/**
 * The ML-KEM primitive (FIPS 203) behind the ML-KEM key-exchange groups, as a small pluggable
 * interface: `kemKeyShare` / `kemAcceptKeyShare` compose it with a provider's ECDHE half. The
 * default is @noble/post-quantum (pure JS, any runtime); a provider with a native ML-KEM (node:crypto
 * on Node ≥ 24.7) passes its own, and every implementation yields the same bytes for the same inputs.
 * @module
 */
import { ml_kem512, ml_kem768, ml_kem1024 } from '@noble/post-quantum/ml-kem.js';

/** An ML-KEM parameter set (FIPS 203 §8). */
export type MlKemParameterSet = 512 | 768 | 1024;

/** A decapsulation key kept by the initiator, with its encapsulation key. */
export interface MlKemKeyPair {
  /** The encapsulation key `ek` (FIPS 203 §7.1), 800 / 1184 / 1568 bytes. */
  readonly publicKey: Uint8Array;
  /**
   * ML-KEM.Decaps (FIPS 203 §7.3) of a ciphertext of the parameter set's exact length (the caller
   * checks it): the 32-byte shared secret. A tampered ciphertext yields the implicit-rejection key,
   * not an error.
   */
  decapsulate(cipherText: Uint8Array): Uint8Array;
}

/** One ML-KEM implementation. */
export interface MlKemBackend {
  /**
   * ML-KEM.KeyGen (FIPS 203 §7.1). `seed`, when given, is the 64-byte `d || z`, so the key replays;
   * otherwise the backend draws it, from `random` or from its own generator.
   */
  keygen(kem: MlKemParameterSet, seed: Uint8Array | undefined, random: (length: number) => Uint8Array): MlKemKeyPair;
  /**
   * ML-KEM.Encaps (FIPS 203 §7.2) to an encapsulation key of the exact length (the caller checks it).
   * `randomness`, when given, is the 32-byte message `m`, so the ciphertext replays.
   * @throws Error (any) when `encapsulationKey` fails the §7.2 modulus check.
   */
  encapsulate(
    kem: MlKemParameterSet,
    encapsulationKey: Uint8Array,
    randomness: Uint8Array | undefined,
    random: (length: number) => Uint8Array,
  ): { cipherText: Uint8Array; sharedSecret: Uint8Array };
}

/** ML-KEM seed (d || z, FIPS 203 §7.1) and encapsulation randomness (m, §7.2) lengths. */
export const MLKEM_SEED_LENGTH = 64;
export const MLKEM_ENCAPS_RANDOM_LENGTH = 32;

const NOBLE = { 512: ml_kem512, 768: ml_kem768, 1024: ml_kem1024 } as const;

/**
 * ML-KEM from @noble/post-quantum: runs anywhere; draws its randomness from the `random` it is given.
 * @example
 * const pair = nobleMlKem.keygen(768, undefined, randomBytes);
 * pair.publicKey.length; // 1184
 */
export const nobleMlKem: MlKemBackend = Object.freeze<MlKemBackend>({
  keygen(kem, seed, random) {
    const pair = NOBLE[kem].keygen(seed ?? random(MLKEM_SEED_LENGTH));
    return {
      publicKey: pair.publicKey,
      decapsulate: (cipherText: Uint8Array): Uint8Array => NOBLE[kem].decapsulate(cipherText, pair.secretKey),
    };
  },
  encapsulate(kem, encapsulationKey, randomness, random) {
    return NOBLE[kem].encapsulate(encapsulationKey, randomness ?? random(MLKEM_ENCAPS_RANDOM_LENGTH));
  },
});
