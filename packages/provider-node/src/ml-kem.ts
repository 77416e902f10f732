/**
 * Native ML-KEM (FIPS 203) on node:crypto, where the runtime has it (Node ≥ 24.7:
 * `crypto.encapsulate` / `crypto.decapsulate`, `ml-kem-*` key types with the `raw-public` and
 * `raw-seed` formats). Detected once at module load; where absent, {@link nodeMlKem} is undefined
 * and the ML-KEM groups use @noble/post-quantum (`nobleMlKem`, as on Node 20).
 *
 * Randomness: a fresh key pair and a fresh encapsulation draw from OpenSSL's generator. An injected
 * key-generation seed (`d || z`) is imported natively (`raw-seed`), giving the same keys as noble. An
 * injected encapsulation message `m` cannot be passed to OpenSSL, so that (deterministic, test-only)
 * case runs on noble; the bytes are identical either way.
 *
 * @module
 */

import * as crypto from 'node:crypto';
import { type MlKemBackend, type MlKemParameterSet, nobleMlKem } from '@sslsocket/suites';
import { toU8 } from './bytes.js';

/** The node:crypto key type of each parameter set. */
const KEY_TYPE = { 512: 'ml-kem-512', 768: 'ml-kem-768', 1024: 'ml-kem-1024' } as const;

// Node ≥ 24.7 types; @types/node of the project's floor (20) does not declare these.
type KeyObject = crypto.KeyObject;
interface NativeKem {
  encapsulate(key: KeyObject): { sharedKey: Buffer; ciphertext: Buffer };
  decapsulate(key: KeyObject, ciphertext: Uint8Array): Buffer;
}
const native = crypto as unknown as Partial<NativeKem>;

/** Imports a raw ML-KEM key (`raw-public` / `raw-seed`), formats unknown to the floor's types. */
function importKey(kind: 'public' | 'private', kem: MlKemParameterSet, key: Uint8Array): KeyObject {
  const options = { key, format: kind === 'public' ? 'raw-public' : 'raw-seed', asymmetricKeyType: KEY_TYPE[kem] };
  return kind === 'public'
    ? crypto.createPublicKey(options as unknown as crypto.PublicKeyInput)
    : crypto.createPrivateKey(options as unknown as crypto.PrivateKeyInput);
}

const generateKeyPair = crypto.generateKeyPairSync as unknown as (type: string) => {
  privateKey: KeyObject;
  publicKey: KeyObject;
};

function exportPublic(key: KeyObject): Uint8Array {
  return toU8(key.export({ format: 'raw-public' } as unknown as crypto.KeyExportOptions<'der'>) as Buffer);
}

function makeBackend(kem: NativeKem): MlKemBackend {
  return Object.freeze<MlKemBackend>({
    keygen(set, seed) {
      // A fresh pair comes with its public half; an imported seed derives it.
      const { privateKey, publicKey } =
        seed === undefined
          ? generateKeyPair(KEY_TYPE[set])
          : { privateKey: importKey('private', set, seed), publicKey: undefined };
      return {
        publicKey: exportPublic(publicKey ?? crypto.createPublicKey(privateKey)),
        decapsulate: (cipherText: Uint8Array): Uint8Array => toU8(kem.decapsulate(privateKey, cipherText)),
      };
    },
    encapsulate(set, encapsulationKey, randomness, random) {
      if (randomness !== undefined) return nobleMlKem.encapsulate(set, encapsulationKey, randomness, random);
      // The raw-public import runs FIPS 203 §7.2's modulus check and throws on a bad key.
      const { sharedKey, ciphertext } = kem.encapsulate(importKey('public', set, encapsulationKey));
      return { cipherText: toU8(ciphertext), sharedSecret: toU8(sharedKey) };
    },
  });
}

/** True when this runtime's node:crypto runs ML-KEM end to end (probed once). */
function probe(): NativeKem | undefined {
  const { encapsulate, decapsulate } = native;
  if (typeof encapsulate !== 'function' || typeof decapsulate !== 'function') return undefined;
  try {
    const kem: NativeKem = { encapsulate, decapsulate };
    const backend = makeBackend(kem);
    const pair = backend.keygen(768, undefined, () => new Uint8Array(0));
    const { cipherText, sharedSecret } = backend.encapsulate(768, pair.publicKey, undefined, () => new Uint8Array(0));
    return crypto.timingSafeEqual(pair.decapsulate(cipherText), sharedSecret) ? kem : undefined;
  } catch {
    return undefined;
  }
}

const detected = probe();

/**
 * The node:crypto ML-KEM backend, or undefined when the runtime has no native ML-KEM (Node < 24.7).
 * Fresh keys and encapsulations use OpenSSL's randomness; an injected seed is imported natively; an
 * injected encapsulation message `m` falls back to noble (OpenSSL takes none).
 * @example
 * const backend = nodeMlKem ?? nobleMlKem;
 * backend.keygen(768, undefined, randomBytes).publicKey.length; // 1184
 */
export const nodeMlKem: MlKemBackend | undefined = detected === undefined ? undefined : makeBackend(detected);
