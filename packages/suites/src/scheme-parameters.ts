/**
 * How each signature scheme signs: algorithm family, hash, and the curve TLS 1.3 binds to ECDSA
 * schemes. Shared by every provider so they agree on what a scheme name means.
 * @module
 */
import { CryptoError, type EcCurve, type HashAlgorithm, type SignatureSchemeName } from './provider.js';

/** How a scheme signs: its algorithm family, hash, and for TLS 1.3 ECDSA the curve it binds. */
export interface SchemeParameters {
  readonly family: 'ecdsa' | 'rsa_pkcs1' | 'rsa_pss' | 'ed25519' | 'ed448';
  readonly hash?: HashAlgorithm;
  readonly curve?: EcCurve;
}

const SCHEMES: Readonly<Record<SignatureSchemeName, SchemeParameters>> = {
  rsa_pkcs1_md5: { family: 'rsa_pkcs1', hash: 'MD5' },
  rsa_pkcs1_sha1: { family: 'rsa_pkcs1', hash: 'SHA-1' },
  rsa_pkcs1_sha224: { family: 'rsa_pkcs1', hash: 'SHA-224' },
  rsa_pkcs1_sha256: { family: 'rsa_pkcs1', hash: 'SHA-256' },
  rsa_pkcs1_sha384: { family: 'rsa_pkcs1', hash: 'SHA-384' },
  rsa_pkcs1_sha512: { family: 'rsa_pkcs1', hash: 'SHA-512' },
  rsa_pss_rsae_sha256: { family: 'rsa_pss', hash: 'SHA-256' },
  rsa_pss_rsae_sha384: { family: 'rsa_pss', hash: 'SHA-384' },
  rsa_pss_rsae_sha512: { family: 'rsa_pss', hash: 'SHA-512' },
  rsa_pss_pss_sha256: { family: 'rsa_pss', hash: 'SHA-256' },
  rsa_pss_pss_sha384: { family: 'rsa_pss', hash: 'SHA-384' },
  rsa_pss_pss_sha512: { family: 'rsa_pss', hash: 'SHA-512' },
  ecdsa_sha1: { family: 'ecdsa', hash: 'SHA-1' },
  ecdsa_sha224: { family: 'ecdsa', hash: 'SHA-224' },
  ecdsa_sha256: { family: 'ecdsa', hash: 'SHA-256' },
  ecdsa_sha384: { family: 'ecdsa', hash: 'SHA-384' },
  ecdsa_sha512: { family: 'ecdsa', hash: 'SHA-512' },
  ecdsa_secp256r1_sha256: { family: 'ecdsa', hash: 'SHA-256', curve: 'P-256' },
  ecdsa_secp384r1_sha384: { family: 'ecdsa', hash: 'SHA-384', curve: 'P-384' },
  ecdsa_secp521r1_sha512: { family: 'ecdsa', hash: 'SHA-512', curve: 'P-521' },
  ed25519: { family: 'ed25519' },
  ed448: { family: 'ed448' },
};

/** The parameters of a scheme; unknown names are a CryptoError. */
export function schemeParameters(scheme: SignatureSchemeName): SchemeParameters {
  const parameters = SCHEMES[scheme];
  if (parameters === undefined) throw new CryptoError(`unsupported signature scheme ${String(scheme)}`);
  return parameters;
}
