/**
 * Signatures for every TLS and certificate scheme on noble: ECDSA (DER-encoded, RFC 8446 §4.2.3),
 * Ed25519/Ed448 (RFC 8032), and RSA PKCS#1 v1.5 / PSS plus PKCS#1 v1.5 encryption via
 * micro-rsa-dsa-dh (RFC 8017).
 * @module
 */

import { ed448 } from '@noble/curves/ed448.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import * as rsa from 'micro-rsa-dsa-dh/rsa.js';
import {
  CryptoError,
  type EcCurve,
  type HashAlgorithm,
  type PrivateKey,
  type PublicKey,
  type SignatureSchemeName,
} from '../provider.js';
import { schemeParameters } from '../scheme-parameters.js';
import { digest, nobleHash } from './hash.js';

interface EcdsaCurve {
  sign(digest: Uint8Array, secret: Uint8Array, options: object): Uint8Array;
  verify(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array, options: object): boolean;
}

const CURVES: Readonly<Record<EcCurve, EcdsaCurve>> = {
  'P-256': p256 as unknown as EcdsaCurve,
  'P-384': p384 as unknown as EcdsaCurve,
  'P-521': p521 as unknown as EcdsaCurve,
};

const PKCS1: Partial<Record<HashAlgorithm, rsa.IPKCS>> = {
  'SHA-1': rsa.PKCS1_SHA1,
  'SHA-224': rsa.PKCS1_SHA224,
  'SHA-256': rsa.PKCS1_SHA256,
  'SHA-384': rsa.PKCS1_SHA384,
  'SHA-512': rsa.PKCS1_SHA512,
};

function pss(hash: HashAlgorithm, saltLength?: number): rsa.Signer {
  const h = nobleHash(hash) as never;
  // RFC 8446 §4.2.3: the salt is as long as the digest.
  return rsa.PSS(h, rsa.mgf1(h), saltLength ?? nobleHash(hash).outputLen);
}

function pkcs1(hash: HashAlgorithm): rsa.IPKCS {
  const signer = PKCS1[hash];
  if (signer === undefined) throw new CryptoError(`RSA PKCS#1 v1.5 with ${hash} is not supported`);
  return signer;
}

function requireKind<K extends { kind: string }>(key: K, kinds: readonly string[], scheme: string): void {
  if (!kinds.includes(key.kind)) throw new CryptoError(`a ${key.kind} key cannot be used with ${scheme}`);
}

export function sign(scheme: SignatureSchemeName, key: PrivateKey, message: Uint8Array): Uint8Array {
  const { family, hash, curve } = schemeParameters(scheme);
  switch (family) {
    case 'ecdsa': {
      if (key.kind !== 'ec') throw new CryptoError(`a ${key.kind} key cannot be used with ${scheme}`);
      if (curve !== undefined && curve !== key.curve)
        throw new CryptoError(`${scheme} needs a ${curve} key, got ${key.curve}`);
      const d = digest(hash as HashAlgorithm, message);
      return CURVES[key.curve].sign(d, key.d, { prehash: false, format: 'der', lowS: false });
    }
    case 'ed25519':
      if (key.kind !== 'ed25519') throw new CryptoError(`a ${key.kind} key cannot be used with ${scheme}`);
      return ed25519.sign(message, key.seed);
    case 'ed448':
      if (key.kind !== 'ed448') throw new CryptoError(`a ${key.kind} key cannot be used with ${scheme}`);
      return ed448.sign(message, key.seed);
    case 'rsa_pkcs1':
      if (key.kind !== 'rsa') throw new CryptoError(`a ${key.kind} key cannot be used with ${scheme}`);
      return pkcs1(hash as HashAlgorithm).sign({ n: key.n, d: key.d }, message);
    case 'rsa_pss':
      if (key.kind !== 'rsa' && key.kind !== 'rsa-pss')
        throw new CryptoError(`a ${key.kind} key cannot be used with ${scheme}`);
      requireKind(key, scheme.includes('_pss_pss_') ? ['rsa-pss'] : ['rsa', 'rsa-pss'], scheme);
      return pss(hash as HashAlgorithm).sign({ n: key.n, d: key.d }, message);
  }
}

export function verify(
  scheme: SignatureSchemeName,
  key: PublicKey,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  const { family, hash, curve } = schemeParameters(scheme);
  try {
    switch (family) {
      case 'ecdsa': {
        if (key.kind !== 'ec') throw new CryptoError(`a ${key.kind} key cannot be used with ${scheme}`);
        if (curve !== undefined && curve !== key.curve) return false;
        const d = digest(hash as HashAlgorithm, message);
        return CURVES[key.curve].verify(signature, d, key.point, { prehash: false, format: 'der', lowS: false });
      }
      case 'ed25519':
        if (key.kind !== 'ed25519') throw new CryptoError(`a ${key.kind} key cannot be used with ${scheme}`);
        return ed25519.verify(signature, message, key.key);
      case 'ed448':
        if (key.kind !== 'ed448') throw new CryptoError(`a ${key.kind} key cannot be used with ${scheme}`);
        return ed448.verify(signature, message, key.key);
      case 'rsa_pkcs1':
        if (key.kind !== 'rsa') throw new CryptoError(`a ${key.kind} key cannot be used with ${scheme}`);
        return pkcs1(hash as HashAlgorithm).verify({ n: key.n, e: key.e }, message, signature);
      case 'rsa_pss': {
        if (key.kind !== 'rsa' && key.kind !== 'rsa-pss')
          throw new CryptoError(`a ${key.kind} key cannot be used with ${scheme}`);
        // RFC 8446 §4.2.3: rsa_pss_pss_* needs an RSASSA-PSS key, rsa_pss_rsae_* an rsaEncryption key.
        if (scheme.includes('_pss_pss_') !== (key.kind === 'rsa-pss')) return false;
        const saltLength = key.kind === 'rsa-pss' ? key.saltLength : undefined;
        return pss(hash as HashAlgorithm, saltLength).verify({ n: key.n, e: key.e }, message, signature);
      }
    }
  } catch (error) {
    if (error instanceof CryptoError) throw error;
    // Malformed signatures (bad DER, wrong length) are simply invalid.
    return false;
  }
}

export function rsaEncrypt(key: PublicKey, data: Uint8Array): Uint8Array {
  if (key.kind !== 'rsa') throw new CryptoError(`RSA encryption needs an RSA key, got ${key.kind}`);
  try {
    return rsa.PKCS1_KEM.encrypt({ n: key.n, e: key.e }, data);
  } catch (cause) {
    throw new CryptoError('RSA encryption failed', { cause });
  }
}

export function rsaDecrypt(key: PrivateKey, data: Uint8Array): Uint8Array | null {
  if (key.kind !== 'rsa') throw new CryptoError(`RSA decryption needs an RSA key, got ${key.kind}`);
  try {
    return rsa.PKCS1_KEM.decrypt({ n: key.n, d: key.d }, data);
  } catch {
    // RFC 5246 §7.4.7.1: the caller must not learn why; it continues with a random premaster.
    return null;
  }
}
