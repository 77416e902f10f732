/**
 * Signature schemes (IANA "TLS SignatureScheme"; RFC 8446 §4.2.3) and the TLS 1.2 reading of the same
 * code points as (hash, signature) pairs (RFC 5246 §7.4.1.4.1).
 * @module
 */
import type { EcCurve, HashAlgorithm, SignatureSchemeName } from '../provider.js';
import type { ProtocolVersionName } from './versions.js';

export interface SignatureScheme {
  readonly name: SignatureSchemeName;
  readonly code: number;
  readonly family: 'ecdsa' | 'rsa_pkcs1' | 'rsa_pss_rsae' | 'rsa_pss_pss' | 'ed25519' | 'ed448';
  readonly hash: HashAlgorithm | undefined;
  /** The curve TLS 1.3 binds to the scheme (in TLS 1.2 any curve may be used). */
  readonly curve: EcCurve | undefined;
  /** Allowed in a TLS 1.3 CertificateVerify. */
  readonly tls13: boolean;
  /** Only for certificate signatures (TLS 1.3) or legacy TLS 1.2 use. */
  readonly certificatesOnly: boolean;
  readonly isDefault: boolean;
}

type Row = [
  SignatureSchemeName,
  number,
  SignatureScheme['family'],
  HashAlgorithm | undefined,
  EcCurve | undefined,
  boolean,
  boolean,
];

// [name, code, family, hash, curve, tls13, default] in default preference order.
const ROWS: readonly Row[] = [
  ['ecdsa_secp256r1_sha256', 0x0403, 'ecdsa', 'SHA-256', 'P-256', true, true],
  ['ecdsa_secp384r1_sha384', 0x0503, 'ecdsa', 'SHA-384', 'P-384', true, true],
  ['ecdsa_secp521r1_sha512', 0x0603, 'ecdsa', 'SHA-512', 'P-521', true, true],
  ['ed25519', 0x0807, 'ed25519', undefined, undefined, true, true],
  ['ed448', 0x0808, 'ed448', undefined, undefined, true, true],
  ['rsa_pss_pss_sha256', 0x0809, 'rsa_pss_pss', 'SHA-256', undefined, true, true],
  ['rsa_pss_pss_sha384', 0x080a, 'rsa_pss_pss', 'SHA-384', undefined, true, true],
  ['rsa_pss_pss_sha512', 0x080b, 'rsa_pss_pss', 'SHA-512', undefined, true, true],
  ['rsa_pss_rsae_sha256', 0x0804, 'rsa_pss_rsae', 'SHA-256', undefined, true, true],
  ['rsa_pss_rsae_sha384', 0x0805, 'rsa_pss_rsae', 'SHA-384', undefined, true, true],
  ['rsa_pss_rsae_sha512', 0x0806, 'rsa_pss_rsae', 'SHA-512', undefined, true, true],
  ['rsa_pkcs1_sha256', 0x0401, 'rsa_pkcs1', 'SHA-256', undefined, false, true],
  ['rsa_pkcs1_sha384', 0x0501, 'rsa_pkcs1', 'SHA-384', undefined, false, true],
  ['rsa_pkcs1_sha512', 0x0601, 'rsa_pkcs1', 'SHA-512', undefined, false, true],
  ['ecdsa_sha1', 0x0203, 'ecdsa', 'SHA-1', undefined, false, false],
  ['rsa_pkcs1_sha1', 0x0201, 'rsa_pkcs1', 'SHA-1', undefined, false, false],
];

export const SIGNATURE_SCHEMES: readonly SignatureScheme[] = Object.freeze(
  ROWS.map(([name, code, family, hash, curve, tls13, isDefault]) =>
    Object.freeze({ name, code, family, hash, curve, tls13, certificatesOnly: !tls13, isDefault }),
  ),
);

export function schemeByCode(code: number): SignatureScheme | undefined {
  return SIGNATURE_SCHEMES.find((scheme) => scheme.code === code);
}

export function schemeByName(name: string): SignatureScheme | undefined {
  return SIGNATURE_SCHEMES.find((scheme) => scheme.name === name);
}

/**
 * The provider scheme that implements a code point under TLS 1.2, where ECDSA codes only name the
 * hash (RFC 5246 §7.4.1.4.1; RFC 8422 §5.1.1): 0x0503 means "ECDSA with SHA-384" on any curve.
 */
export function tls12SchemeForCode(code: number): SignatureSchemeName | undefined {
  const scheme = schemeByCode(code);
  if (scheme === undefined) return undefined;
  if (scheme.family !== 'ecdsa' || scheme.hash === 'SHA-1') return scheme.name;
  return scheme.hash === 'SHA-256' ? 'ecdsa_sha256' : scheme.hash === 'SHA-384' ? 'ecdsa_sha384' : 'ecdsa_sha512';
}

/**
 * Erlang `ssl:signature_algs/2`.
 *
 * @example
 * signatureAlgs('default', 'tlsv1.3'); // ['ecdsa_secp256r1_sha256', ...]
 */
export function signatureAlgs(
  kind: 'default' | 'all' | 'exclusive',
  version: ProtocolVersionName,
): SignatureSchemeName[] {
  const wanted = (scheme: SignatureScheme): boolean => {
    if (kind === 'default') return scheme.isDefault;
    if (kind === 'all') return true;
    // 'exclusive': schemes only one of the versions uses for handshake signatures.
    return version === 'tlsv1.3' ? scheme.tls13 : !scheme.tls13;
  };
  const selected = SIGNATURE_SCHEMES.filter(wanted);
  return selected.map((scheme) => scheme.name);
}
