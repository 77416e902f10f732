/**
 * TLS 1.2 choices both sides make: which suites, versions and signature schemes are configured,
 * which key a suite needs, and the (hash, signature) pair to sign with (RFC 5246 §7.4.1.4.1,
 * RFC 8422 §5.1, RFC 8446 §4.2.3 for the rsa_pss code points).
 * @module
 */
import {
  ALL_CIPHER_SUITES,
  type CipherSuite,
  type GroupName,
  groupByName,
  type PrivateKey,
  type PublicKey,
  SIGNATURE_SCHEMES,
  type SignatureSchemeName,
  schemeByCode,
  schemeByName,
  tls12SchemeForCode,
} from '@sslsocket/suites';
import type { ConnectionConfig } from '../config.js';
import { lookupSuite } from '../negotiate.js';

/**
 * The configured TLS 1.2 suites in preference order: the given list, or the registry defaults
 * (forward-secret AEAD suites). Anonymous and PSK suites are only used when listed explicitly.
 */
export function configuredSuites12(config: ConnectionConfig): CipherSuite[] {
  const is12 = (s: CipherSuite): boolean => s.versions.includes('tlsv1.2') && !s.versions.includes('tlsv1.3');
  if (config.cipherSuites === undefined) {
    return ALL_CIPHER_SUITES.filter((s) => is12(s) && s.isDefault && s.authentication !== 'psk');
  }
  const out: CipherSuite[] = [];
  for (const s of config.cipherSuites) {
    const suite = lookupSuite(s);
    if (suite !== undefined && is12(suite) && !out.includes(suite)) out.push(suite);
  }
  return out;
}

/** The EC groups usable for ECDHE in TLS 1.2 (RFC 8422), in configured order. */
export function ecGroups12(groups: readonly GroupName[]): GroupName[] {
  return groups.filter((g) => groupByName(g)?.kind === 'ec');
}

/** The RFC 7919 groups in configured order. */
export function ffdheGroups(groups: readonly GroupName[]): GroupName[] {
  return groups.filter((g) => groupByName(g)?.kind === 'ffdhe');
}

/** Default signature_algorithms when TLS 1.2 is offered: the registry defaults (incl. rsa_pkcs1). */
const DEFAULT_SCHEMES_12: SignatureSchemeName[] = SIGNATURE_SCHEMES.filter((s) => s.isDefault).map((s) => s.name);

export function schemeCodes12(list: ConnectionConfig['signatureAlgs'] | undefined): number[] {
  return (list ?? DEFAULT_SCHEMES_12)
    .map((s) => (typeof s === 'number' ? s : (schemeByName(s)?.code ?? -1)))
    .filter((c) => c >= 0);
}

/** Whether a certificate key can authenticate a suite (RFC 8422 §2, RFC 5246 App. A.5). */
export function keyFitsSuite(key: PrivateKey | PublicKey, suite: CipherSuite): boolean {
  switch (suite.authentication) {
    case 'ecdsa':
      return key.kind === 'ec' || key.kind === 'ed25519' || key.kind === 'ed448';
    case 'rsa':
      // Static RSA (and RSA_PSK) encrypts to the key, which needs an rsaEncryption key.
      if (suite.keyExchange === 'rsa' || suite.keyExchange === 'rsa_psk') return key.kind === 'rsa';
      return key.kind === 'rsa' || key.kind === 'rsa-pss';
    default:
      return false;
  }
}

/** Whether the suite needs a server certificate. */
export function suiteNeedsCertificate(suite: CipherSuite): boolean {
  return suite.authentication === 'ecdsa' || suite.authentication === 'rsa';
}

/** Whether ServerKeyExchange is signed (ECDHE_* and DHE_* with a certificate). */
export function suiteSignsKeyExchange(suite: CipherSuite): boolean {
  return (suite.keyExchange === 'ecdhe' || suite.keyExchange === 'dhe') && suiteNeedsCertificate(suite);
}

/** A TLS 1.2 signature pair: the code on the wire and the provider's scheme. */
export interface Scheme12 {
  readonly code: number;
  readonly name: SignatureSchemeName;
}

/** Whether a code point, read as a TLS 1.2 pair, signs with `key`. */
export function schemeFitsKey12(code: number, key: PrivateKey | PublicKey): Scheme12 | undefined {
  const scheme = schemeByCode(code);
  const name = tls12SchemeForCode(code);
  if (scheme === undefined || name === undefined) return undefined;
  const fits =
    (scheme.family === 'ecdsa' && key.kind === 'ec') ||
    (scheme.family === 'rsa_pkcs1' && key.kind === 'rsa') ||
    (scheme.family === 'rsa_pss_rsae' && key.kind === 'rsa') ||
    (scheme.family === 'rsa_pss_pss' && key.kind === 'rsa-pss') ||
    (scheme.family === 'ed25519' && key.kind === 'ed25519') ||
    (scheme.family === 'ed448' && key.kind === 'ed448');
  return fits ? { code, name } : undefined;
}

/**
 * The pair to sign with: the first of the peer's list that we allow and that fits the key. A peer
 * without signature_algorithms implies SHA-1 with the key's algorithm (RFC 5246 §7.4.1.4.1).
 */
export function chooseScheme12(
  key: PrivateKey,
  peer: readonly number[] | undefined,
  ours: readonly number[],
): Scheme12 | undefined {
  if (peer === undefined) {
    const legacy = key.kind === 'ec' ? 0x0203 : key.kind === 'rsa' ? 0x0201 : undefined;
    return legacy === undefined ? undefined : schemeFitsKey12(legacy, key);
  }
  for (const code of peer) {
    if (!ours.includes(code)) continue;
    const fit = schemeFitsKey12(code, key);
    if (fit !== undefined) return fit;
  }
  return undefined;
}

/** The registry name of a code point, for NegotiatedParameters. */
export function schemeName(code: number): SignatureSchemeName | undefined {
  return schemeByCode(code)?.name;
}
