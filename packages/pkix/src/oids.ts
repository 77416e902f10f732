import type { EcCurve, SignatureSchemeName } from '@sslsocket/suites';

/** Object identifiers used by RFC 5280 certificates, RFC 5480/8410 keys and RFC 4055 RSA-PSS. */
export const OID = {
  ecPublicKey: '1.2.840.10045.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsassaPss: '1.2.840.113549.1.1.10',
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  nameConstraints: '2.5.29.30',
  certificatePolicies: '2.5.29.32',
  policyConstraints: '2.5.29.36',
  inhibitAnyPolicy: '2.5.29.54',
  authorityKeyIdentifier: '2.5.29.35',
  subjectKeyIdentifier: '2.5.29.14',
  crlDistributionPoints: '2.5.29.31',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  anyExtendedKeyUsage: '2.5.29.37.0',
  commonName: '2.5.4.3',
  emailAddress: '1.2.840.113549.1.9.1',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  ocspNoCheck: '1.3.6.1.5.5.7.48.1.5',
  ocspBasic: '1.3.6.1.5.5.7.48.1.1',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
} as const;

export const CURVES: Readonly<Record<string, EcCurve>> = {
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
};

export const CURVE_OIDS: Readonly<Record<EcCurve, string>> = {
  'P-256': '1.2.840.10045.3.1.7',
  'P-384': '1.3.132.0.34',
  'P-521': '1.3.132.0.35',
};

/** Certificate signature algorithms (RFC 5758, RFC 4055, RFC 8410) as provider schemes. */
export const SIGNATURE_ALGORITHMS: Readonly<Record<string, SignatureSchemeName>> = {
  '1.2.840.113549.1.1.4': 'rsa_pkcs1_md5',
  '1.2.840.113549.1.1.5': 'rsa_pkcs1_sha1',
  '1.2.840.113549.1.1.14': 'rsa_pkcs1_sha224',
  '1.2.840.113549.1.1.11': 'rsa_pkcs1_sha256',
  '1.2.840.113549.1.1.12': 'rsa_pkcs1_sha384',
  '1.2.840.113549.1.1.13': 'rsa_pkcs1_sha512',
  '1.2.840.10045.4.1': 'ecdsa_sha1',
  '1.2.840.10045.4.3.1': 'ecdsa_sha224',
  '1.2.840.10045.4.3.2': 'ecdsa_sha256',
  '1.2.840.10045.4.3.3': 'ecdsa_sha384',
  '1.2.840.10045.4.3.4': 'ecdsa_sha512',
  '1.3.101.112': 'ed25519',
  '1.3.101.113': 'ed448',
};

export const HASH_OIDS: Readonly<Record<string, 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512'>> = {
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};
