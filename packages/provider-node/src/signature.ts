/**
 * Signatures on node:crypto: RSASSA-PKCS1-v1_5 and RSASSA-PSS (RFC 8017 §8), ECDSA with DER-encoded
 * signatures (RFC 8446 §4.2.3, X9.62) and EdDSA (RFC 8032). Keys are imported once and cached
 * (see keys.ts).
 *
 * @module
 */

import * as crypto from 'node:crypto';
import type { HashAlgorithm, PrivateKey, PublicKey, SignatureSchemeName } from '@sslsocket/suites';
import { CryptoError, schemeParameters } from '@sslsocket/suites';
import { toU8 } from './bytes.js';
import { HASH_LENGTHS, HASH_NAMES } from './features.js';
import { privateKeyObject, publicKeyObject } from './keys.js';

type AnyKey = PublicKey | PrivateKey;

/**
 * Checks that `key` can be used with `scheme`, and returns node's sign/verify options. A mismatch is
 * an invalid input (CryptoError), not a failed verification.
 */
function options(
  scheme: SignatureSchemeName,
  key: AnyKey,
): { hash: string | null; padding?: number; saltLength?: number; dsaEncoding?: 'der' } {
  const parameters = schemeParameters(scheme);
  const info = {
    type:
      parameters.family === 'rsa_pkcs1' ? 'rsa-pkcs1' : parameters.family === 'rsa_pss' ? 'rsa-pss' : parameters.family,
    hash: parameters.hash as HashAlgorithm,
    curve: parameters.curve,
  } as const;
  const mismatch = (): CryptoError => new CryptoError(`a ${key.kind} key cannot be used with ${scheme}`);
  switch (info.type) {
    case 'rsa-pkcs1':
      // An RSASSA-PSS key may not produce PKCS#1 v1.5 signatures (RFC 4055 §1.2).
      if (key.kind !== 'rsa') throw mismatch();
      return { hash: HASH_NAMES[info.hash], padding: crypto.constants.RSA_PKCS1_PADDING };
    case 'rsa-pss': {
      if (key.kind !== 'rsa' && key.kind !== 'rsa-pss') throw mismatch();
      let saltLength = HASH_LENGTHS[info.hash];
      if (key.kind === 'rsa-pss' && 'hash' in key) {
        // RSASSA-PSS-params restrict the key (RFC 4055 §3.1); TLS 1.3 §4.2.3 wants salt = digest length.
        if (key.hash !== undefined && key.hash !== info.hash) throw mismatch();
        if (key.saltLength !== undefined) saltLength = key.saltLength;
      }
      return { hash: HASH_NAMES[info.hash], padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength };
    }
    case 'ecdsa':
      if (key.kind !== 'ec' || (info.curve !== undefined && key.curve !== info.curve)) throw mismatch();
      return { hash: HASH_NAMES[info.hash], dsaEncoding: 'der' };
    case 'ed25519':
    case 'ed448':
      if (key.kind !== info.type) throw mismatch();
      // EdDSA hashes internally (RFC 8032 §5.1.6): node takes a null digest name.
      return { hash: null };
  }
}

/** Signs the whole `message` with `scheme`. */
export function sign(scheme: SignatureSchemeName, key: PrivateKey, message: Uint8Array): Uint8Array {
  const { hash, ...rest } = options(scheme, key);
  const keyObject = privateKeyObject(key);
  try {
    return toU8(crypto.sign(hash, message, { key: keyObject, ...rest }));
  } catch (cause) {
    throw new CryptoError(`${scheme} signing failed`, { cause });
  }
}

/** Verifies; false for a wrong or malformed signature, CryptoError for an unusable key. */
export function verify(
  scheme: SignatureSchemeName,
  key: PublicKey,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  const { hash, ...rest } = options(scheme, key);
  const keyObject = publicKeyObject(key);
  try {
    return crypto.verify(hash, message, { key: keyObject, ...rest }, signature);
  } catch {
    // OpenSSL reports some malformed signatures (bad DER, wrong length) as errors.
    return false;
  }
}
