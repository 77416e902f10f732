import { equalBytes } from '@noble/ciphers/utils.js';
import type { ParsedCertificate } from './certificate.js';
import type { CertificateErrorReason } from './errors.js';
import { normalizeIp } from './hostname.js';
import { OID } from './oids.js';
import { isSelfIssued } from './path-building.js';

/**
 * Which certificate profile {@link verifyChain} enforces on top of RFC 5280 §6.1 path validation.
 *
 * - `'webpki'` (the default): RFC 5280 plus the CA/Browser Forum Baseline Requirements' certificate
 *   profile, as Go's crypto/x509 and rustls-webpki apply them to TLS.
 * - `'rfc5280'`: for private PKIs. It relaxes exactly these Web-PKI-only rules, and nothing else:
 *   1. a certificate need not be X.509 v3 (CABF 7.1.1) — a v1 leaf is accepted;
 *   2. a negative serialNumber is accepted (RFC 5280 §4.1.2.2 asks users to tolerate it; zero and
 *      more than 20 octets are refused by both profiles);
 *   3. authorityKeyIdentifier may be missing, critical, or on a root name its issuer/serial or
 *      disagree with the root's own key identifier; a CA need not carry subjectKeyIdentifier
 *      (RFC 5280 §4.2.1.1–2 make these MUSTs for issuers, not checks for relying parties);
 *   4. basicConstraints of a root need not be critical;
 *   5. a CA certificate (cA=TRUE) may be the end-entity certificate (CABF 7.1.2.7.8 forbids it);
 *   6. a leaf need not carry extendedKeyUsage (RFC 5280 §4.2.1.12 makes no stipulation), may mark it
 *      critical, may satisfy a purpose with anyExtendedKeyUsage, and a root may carry it
 *      (CABF 7.1.2.7.6, 7.1.2.1.2);
 *   7. RSA keys of fewer than 2048 bits or of a size not a multiple of 8 are accepted (CABF 6.1.5);
 *   8. the subject CN need not be one of the SAN values, and a non-empty subject may have a
 *      critical subjectAltName (CABF 7.1.4.3, 7.1.2.7.12).
 *   Under both profiles a pinned certificate (the peer's leaf is byte for byte a configured trust
 *   anchor, as with `openssl req -x509` test certificates) is trusted directly: rules 5 and the
 *   missing-EKU part of 6 do not apply to it, as OpenSSL and Go's crypto/x509 accept it.
 *   One rule goes the other way: `'rfc5280'` refuses a non-critical nameConstraints (§4.2.1.10 says
 *   MUST be critical), which the Web PKI tolerates and `'webpki'` accepts.
 */
export type VerificationProfile = 'webpki' | 'rfc5280';

/** Where a certificate sits in the path being validated. */
export interface PathPosition {
  readonly isLeaf: boolean;
  /** The trust anchor (last in the path); a pinned certificate is both leaf and anchor. */
  readonly isAnchor: boolean;
  readonly purpose: 'sslserver' | 'sslclient' | undefined;
}

/** One rule a certificate breaks. */
export interface ProfileViolation {
  readonly reason: CertificateErrorReason;
  readonly message: string;
}

const MAX_SERIAL_OCTETS = 20;
const MIN_RSA_BITS = 2048;

function serialViolation(certificate: ParsedCertificate, profile: VerificationProfile): string | undefined {
  const bytes = certificate.serialBytes;
  // RFC 5280 §4.1.2.2: a positive integer of at most 20 octets.
  if (bytes.length > MAX_SERIAL_OCTETS) return `serialNumber of ${bytes.length} octets (at most 20)`;
  if (bytes.every((byte) => byte === 0)) return 'serialNumber is zero';
  if (profile === 'webpki' && ((bytes[0] as number) & 0x80) !== 0) return 'serialNumber is negative';
  return undefined;
}

function keyIdentifierViolation(certificate: ParsedCertificate, position: PathPosition): string | undefined {
  const aki = certificate.extensions.find((e) => e.oid === OID.authorityKeyIdentifier);
  const selfIssued = isSelfIssued(certificate);
  // RFC 5280 §4.2.1.1: required in every certificate but self-signed ones, and never critical.
  if (aki === undefined && !selfIssued) return 'authorityKeyIdentifier is missing';
  if (aki?.critical === true) return 'authorityKeyIdentifier is critical';
  if (position.isAnchor && selfIssued && aki !== undefined) {
    // CABF 7.1.2.1.3: a root's AKI is its own key identifier, without issuer name or serial.
    if (certificate.authorityKeyIdNamesIssuer) return "root's authorityKeyIdentifier names an issuer or serial";
    const ski = certificate.subjectKeyId;
    const keyId = certificate.authorityKeyId;
    if (keyId !== undefined && ski !== undefined && !equalBytes(keyId, ski))
      return "root's authorityKeyIdentifier differs from its subjectKeyIdentifier";
  }
  // RFC 5280 §4.2.1.2: every CA certificate carries subjectKeyIdentifier.
  if (certificate.basicConstraints?.ca === true && certificate.subjectKeyId === undefined)
    return 'CA certificate without subjectKeyIdentifier';
  return undefined;
}

function rsaBits(certificate: ParsedCertificate): number | undefined {
  const key = certificate.publicKey;
  return key.kind === 'rsa' || key.kind === 'rsa-pss' ? key.n.toString(2).length : undefined;
}

function ekuViolation(certificate: ParsedCertificate, position: PathPosition): string | undefined {
  const extension = certificate.extensions.find((e) => e.oid === OID.extKeyUsage);
  const selfSignedRoot = position.isAnchor && !position.isLeaf && isSelfIssued(certificate);
  // CABF 7.1.2.1.2: a root certificate carries no extendedKeyUsage.
  if (selfSignedRoot && extension !== undefined) return 'root certificate carries extendedKeyUsage';
  if (!position.isLeaf) return undefined;
  // CABF 7.1.2.7.6: a subscriber certificate's EKU is present, non-critical, and names the purpose.
  if (extension?.critical === true) return 'extendedKeyUsage on a leaf is critical';
  if (position.purpose === undefined) return undefined;
  const eku = certificate.extendedKeyUsage;
  const wanted = position.purpose === 'sslserver' ? OID.serverAuth : OID.clientAuth;
  // A pinned certificate (leaf and anchor at once) is exempt from the subscriber profile, see above.
  if (eku === undefined) return position.isAnchor ? undefined : 'leaf carries no extendedKeyUsage';
  if (!eku.includes(wanted))
    return `leaf's extendedKeyUsage lacks ${position.purpose === 'sslserver' ? 'serverAuth' : 'clientAuth'}`;
  return undefined;
}

/** CABF 7.1.4.3: a subscriber certificate's CN, when present, repeats one of its SAN values. */
function commonNameViolation(certificate: ParsedCertificate): string | undefined {
  for (const cn of certificate.commonNames) {
    const ip = normalizeIp(cn);
    const listed =
      ip === undefined
        ? certificate.dnsNames.some((name) => name.toLowerCase() === cn.toLowerCase())
        : certificate.ipAddresses.some((address) => normalizeIp(address) === ip);
    if (!listed) return `subject CN "${cn}" is not one of the subjectAltName values`;
  }
  return undefined;
}

/**
 * The certificate-profile rules `certificate` breaks at `position` under `profile`, in a fixed
 * order. RFC 5280 rules apply under both profiles; the Web-PKI-only ones are listed in
 * {@link VerificationProfile}.
 */
export function profileViolations(
  certificate: ParsedCertificate,
  position: PathPosition,
  profile: VerificationProfile,
): readonly ProfileViolation[] {
  // The answer depends only on the certificate (parsed ones are shared, see parseCertificate), its
  // position and the profile: servers see the same chains again and again, so it is kept.
  const key = `${profile}:${position.isLeaf ? 1 : 0}${position.isAnchor ? 1 : 0}:${position.purpose ?? ''}`;
  let byKey = memo.get(certificate);
  if (byKey === undefined) {
    byKey = new Map();
    memo.set(certificate, byKey);
  }
  const known = byKey.get(key);
  if (known !== undefined) return known;
  const found = computeViolations(certificate, position, profile);
  byKey.set(key, found);
  return found;
}

const memo = new WeakMap<ParsedCertificate, Map<string, readonly ProfileViolation[]>>();

function computeViolations(
  certificate: ParsedCertificate,
  position: PathPosition,
  profile: VerificationProfile,
): ProfileViolation[] {
  const out: ProfileViolation[] = [];
  const add = (reason: CertificateErrorReason, message: string | undefined) => {
    if (message !== undefined) out.push({ reason, message: `${certificate.subject}: ${message}` });
  };
  const webpki = profile === 'webpki';
  // RFC 5280 §4.2: a certificate MUST NOT include more than one instance of an extension.
  const seen = new Set<string>();
  for (const extension of certificate.extensions) {
    if (seen.has(extension.oid)) add('duplicate_extension', `extension ${extension.oid} appears twice`);
    seen.add(extension.oid);
  }
  // RFC 5280 §4.1.2.9: extensions exist only in v3 certificates; CABF 7.1.1: every certificate is v3.
  if (certificate.version !== 2 && certificate.extensions.length > 0)
    add('unsupported_certificate_version', `version ${certificate.version + 1} certificate with extensions`);
  else if (webpki && certificate.version !== 2)
    add('unsupported_certificate_version', `X.509 version ${certificate.version + 1} (the Web PKI requires v3)`);
  add('invalid_serial_number', serialViolation(certificate, profile));
  if (webpki) add('invalid_key_identifier', keyIdentifierViolation(certificate, position));
  const critical = (oid: string) => certificate.extensions.find((e) => e.oid === oid)?.critical;
  // RFC 5280 §4.2.2.1: authorityInfoAccess MUST be non-critical.
  if (critical(OID.authorityInfoAccess) === true) add('invalid_extension', 'authorityInfoAccess is critical');
  // RFC 5280 §4.2.1.11: policyConstraints MUST be critical.
  if (critical(OID.policyConstraints) === false) add('invalid_extension', 'policyConstraints is not critical');
  // RFC 5280 §4.2.1.10: nameConstraints MUST be critical (the Web PKI tolerates non-critical ones).
  if (!webpki && critical(OID.nameConstraints) === false) add('invalid_extension', 'nameConstraints is not critical');
  // RFC 5280 §4.2.1.10: only CA certificates carry nameConstraints.
  if (critical(OID.nameConstraints) !== undefined && certificate.basicConstraints?.ca !== true)
    add('invalid_name_constraints', 'nameConstraints in an end-entity certificate');
  // RFC 5280 §4.2.1.9: without cA, the keyCertSign bit MUST NOT be set. (An issuer in that state
  // fails as "not a CA" where it signs, RFC 5280 §6.1.4 (k).)
  if (position.isLeaf && certificate.basicConstraints?.ca !== true && certificate.keyUsage?.has('keyCertSign') === true)
    add('invalid_key_usage', 'keyCertSign asserted without basicConstraints cA');
  // RFC 5280 §4.2.1.6: an empty subject requires a critical subjectAltName; CABF 7.1.2.7.12: a
  // subscriber certificate with a subject has a non-critical one.
  const sanCritical = critical(OID.subjectAltName);
  const emptySubject = certificate.subjectDer.length <= 2;
  if (emptySubject && sanCritical !== true) add('invalid_extension', 'empty subject without a critical subjectAltName');
  const serverLeaf = position.isLeaf && position.purpose !== 'sslclient';
  if (webpki && serverLeaf && !emptySubject && sanCritical === true)
    add('invalid_extension', 'subjectAltName is critical although the subject is not empty');
  if (webpki && position.isAnchor && !position.isLeaf && isSelfIssued(certificate)) {
    // RFC 5280 §4.2.1.9, CABF 7.1.2.1.4: a root's basicConstraints is critical.
    if (critical(OID.basicConstraints) === false) add('invalid_extension', "root's basicConstraints is not critical");
  }
  // CABF 7.1.2.7.8: a CA certificate is never a subscriber certificate. A pinned certificate (the
  // peer's leaf is itself a configured trust anchor) was issued by nobody the Baseline Requirements
  // bind: it is trusted directly, as OpenSSL, Go's crypto/x509 and node:tls trust the
  // `openssl req -x509` certificate (cA=TRUE, no extendedKeyUsage) every test setup makes.
  const pinned = position.isLeaf && position.isAnchor;
  if (webpki && position.isLeaf && !pinned && certificate.basicConstraints?.ca === true)
    add('ca_certificate_as_leaf', 'a CA certificate (cA=TRUE) in the end-entity position');
  if (webpki) add('invalid_ext_key_usage', ekuViolation(certificate, position));
  const bits = rsaBits(certificate);
  // CABF 6.1.5: RSA moduli of at least 2048 bits, a multiple of 8.
  if (webpki && bits !== undefined && (bits < MIN_RSA_BITS || bits % 8 !== 0))
    add('weak_key', `RSA key of ${bits} bits (at least 2048, a multiple of 8)`);
  if (webpki && serverLeaf) add('invalid_common_name', commonNameViolation(certificate));
  return out;
}
