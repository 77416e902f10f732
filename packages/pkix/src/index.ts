/**
 * `@sslsocket/pkix`: PEM/DER loading, X.509 parsing, RFC 5280 path validation, RFC 6125 hostname
 * checks, CRLs and certificate generation. Every signature goes through a CryptoProvider.
 * @module
 */
export { type CertificateExtension, type ParsedCertificate, parseCertificate } from './certificate.js';
export type { DecodedAuthorityKeyId, DecodedNameConstraints, GeneralSubtree } from './certificate-extensions.js';
export type { VerificationProfile } from './certificate-profile.js';
export {
  CrlCache,
  type CrlFetchResult,
  type CrlSource,
  type ParsedCrl,
  parseCrl,
  parseCrls,
  type RevokedEntry,
} from './crl.js';
export { CrlDirectoryStore } from './crl-directory.js';
export { crlDistributionPointUris } from './crl-distribution-points.js';
export { HttpCrlCache, type HttpCrlCacheOptions } from './crl-http-cache.js';
export { children as derChildren, readTlv, type Tlv } from './der.js';
export { type ParsedDhParameters, parseDhParameters } from './dh-parameters.js';
export {
  isValidDnsName,
  type PublicSuffixLookup,
  setPublicSuffixList,
  wildcardCoversPublicSuffix,
} from './dns-name.js';
export {
  CertificateError,
  type CertificateErrorReason,
  LegacyPemCipherError,
  PemError,
  Pkcs12AlgorithmError,
} from './errors.js';
export type { GeneralName } from './general-names.js';
export {
  encodeEcPrivateKey,
  type GeneratedCertificate,
  type GenerateOptions,
  generateCaChain,
  generateSelfSigned,
} from './generate.js';
export { type HostnameMatchFun, hostnameMatches } from './hostname.js';
export { parsePrivateKey, publicKeyFromSpki } from './keys.js';
export { canonicalNameEncoding, nameHash } from './name-hash.js';
export {
  OcspCertIdMismatch,
  type OcspCheckMode,
  type OcspStatus,
  type VerifyOcspOptions,
  verifyOcspResponse,
} from './ocsp.js';
export { decodePem, encodePem, type PemBlock, pemOrDer } from './pem.js';
export { clearPemCache, PemCache, pemCache } from './pem-cache.js';
export { type Pkcs12Contents, parsePkcs12 } from './pkcs12.js';
export type { CrlCheckMode } from './revocation.js';
export {
  type VerifiedChain,
  type VerifyChainOptions,
  type VerifyDecision,
  type VerifyEvent,
  type VerifyFun,
  verifyChain,
} from './verify.js';
