import type { PublicKey, SignatureSchemeName } from '@sslsocket/suites';
import type * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { readTlv } from './der.js';
import { CertificateError } from './errors.js';
import { bytesOf, publicKeyFromSpki } from './keys.js';
import { HASH_OIDS, OID, SIGNATURE_ALGORITHMS } from './oids.js';

/** An extension as found in the certificate. */
export interface CertificateExtension {
  readonly oid: string;
  readonly critical: boolean;
  readonly value: Uint8Array;
}

/** The parts of an X.509 certificate (RFC 5280 §4) that validation and TLS need. */
export interface ParsedCertificate {
  readonly der: Uint8Array;
  readonly tbs: Uint8Array;
  /** X.509 version as written: 0 for v1, 2 for v3 (RFC 5280 §4.1.2.1). */
  readonly version: number;
  readonly serialNumber: string;
  /** The serialNumber INTEGER's content octets, two's complement (RFC 5280 §4.1.2.2). */
  readonly serialBytes: Uint8Array;
  /** DER of the subject and issuer Names, for exact comparison (RFC 5280 §7.1). */
  readonly subjectDer: Uint8Array;
  readonly issuerDer: Uint8Array;
  /** Readable forms such as `CN=example.com, O=Example`. */
  readonly subject: string;
  readonly issuer: string;
  readonly commonName: string | undefined;
  /** Every CN attribute of the subject, in order. */
  readonly commonNames: readonly string[];
  /** emailAddress attributes of the subject (RFC 5280 §4.2.1.6: subject to rfc822Name constraints). */
  readonly subjectEmails: readonly string[];
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly publicKey: PublicKey;
  /** The scheme that verifies this certificate's own signature, or undefined when unsupported. */
  readonly signatureScheme: SignatureSchemeName | undefined;
  readonly signatureAlgorithmOid: string;
  readonly signature: Uint8Array;
  readonly dnsNames: readonly string[];
  readonly ipAddresses: readonly string[];
  readonly emails: readonly string[];
  /** GeneralName CHOICE tags present in the subjectAltName (1 rfc822, 2 dNS, 7 iPAddress, 0 otherName, ...). */
  readonly sanTypes: ReadonlySet<number>;
  readonly basicConstraints: { readonly ca: boolean; readonly pathLength: number | undefined } | undefined;
  /** KeyUsage bits by name (digitalSignature, keyCertSign, cRLSign, ...), undefined when absent. */
  readonly keyUsage: ReadonlySet<string> | undefined;
  readonly extendedKeyUsage: readonly string[] | undefined;
  readonly subjectKeyId: Uint8Array | undefined;
  readonly authorityKeyId: Uint8Array | undefined;
  /** The authorityKeyIdentifier carries authorityCertIssuer or authorityCertSerialNumber. */
  readonly authorityKeyIdNamesIssuer: boolean;
  readonly extensions: readonly CertificateExtension[];
  /** The pkijs structure, for what this summary does not cover. */
  readonly raw: pkijs.Certificate;
}

const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

export function nameToString(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map(
      (attribute) => `${ATTRIBUTE_NAMES[attribute.type] ?? attribute.type}=${String(attribute.value.valueBlock.value)}`,
    )
    .join(', ');
}

export function ipToString(bytes: Uint8Array): string {
  if (bytes.length === 4) return [...bytes].join('.');
  const groups: string[] = [];
  for (let i = 0; i < bytes.length; i += 2)
    groups.push((((bytes[i] as number) << 8) | (bytes[i + 1] as number)).toString(16));
  return groups.join(':');
}

function keyUsageOf(extension: pkijs.Extension): Set<string> {
  const bits = (extension.parsedValue as asn1js.BitString).valueBlock;
  const bytes = bits.valueHexView;
  const set = new Set<string>();
  KEY_USAGE_BITS.forEach((name, index) => {
    const byte = bytes[index >> 3] ?? 0;
    if (byte & (0x80 >> (index & 7))) set.add(name);
  });
  return set;
}

/** The scheme for a certificate (or CRL) signature, reading RSASSA-PSS parameters (RFC 4055 §3.1). */
export function signatureSchemeOf(algorithm: pkijs.AlgorithmIdentifier): SignatureSchemeName | undefined {
  const direct = SIGNATURE_ALGORITHMS[algorithm.algorithmId];
  if (direct !== undefined) return direct;
  if (algorithm.algorithmId !== OID.rsassaPss) return undefined;
  const params = new pkijs.RSASSAPSSParams({ schema: algorithm.algorithmParams });
  const hash = HASH_OIDS[params.hashAlgorithm.algorithmId];
  return hash === 'SHA-256'
    ? 'rsa_pss_rsae_sha256'
    : hash === 'SHA-384'
      ? 'rsa_pss_rsae_sha384'
      : hash === 'SHA-512'
        ? 'rsa_pss_rsae_sha512'
        : undefined;
}

/**
 * Parsed certificates by content. Servers present the same chain on every handshake and roots are
 * checked over and over: reusing the parse (and with it the same `publicKey` object, which providers
 * cache their imported key on) saves the ASN.1 work that otherwise dominates a handshake's CPU time.
 */
const parsedCache = new Map<number, ParsedCertificate[]>();
let cachedCount = 0;
const CACHE_LIMIT = 512;

function fingerprint(der: Uint8Array): number {
  // FNV-1a: a cheap bucket key; entries are compared byte for byte before reuse.
  let hash = 0x811c9dc5;
  for (let i = 0; i < der.length; i++) hash = Math.imul(hash ^ (der[i] as number), 0x01000193);
  return hash >>> 0;
}

function sameDer(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Parses a DER certificate (cached by content). Malformed input is a CertificateError('malformed_certificate').
 *
 * @example
 * const cert = parseCertificate(der);
 * cert.dnsNames; // ['example.com']
 */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  const key = fingerprint(der);
  const bucket = parsedCache.get(key);
  const hit = bucket?.find((entry) => sameDer(entry.der, der));
  if (hit !== undefined) return hit;
  const parsed = parseUncached(der);
  if (cachedCount >= CACHE_LIMIT) {
    parsedCache.clear();
    cachedCount = 0;
  }
  parsedCache.set(key, [...(bucket ?? []), parsed]);
  cachedCount++;
  return parsed;
}

const malformed = (message: string) => new CertificateError('malformed_certificate', message);

/** Extensions whose value pkijs decodes and we rely on: a value that does not decode is a malformed certificate. */
const DECODED_EXTENSIONS: Readonly<Record<string, string>> = {
  [OID.subjectAltName]: 'subjectAltName',
  [OID.basicConstraints]: 'basicConstraints',
  [OID.extKeyUsage]: 'extKeyUsage',
  [OID.authorityKeyIdentifier]: 'authorityKeyIdentifier',
  [OID.subjectKeyIdentifier]: 'subjectKeyIdentifier',
  [OID.nameConstraints]: 'nameConstraints',
  [OID.certificatePolicies]: 'certificatePolicies',
  [OID.policyConstraints]: 'policyConstraints',
  [OID.authorityInfoAccess]: 'authorityInfoAccess',
  [OID.keyUsage]: 'keyUsage',
};

/**
 * Encoding rules every certificate must meet before any field is trusted: the signature algorithm
 * outside the TBS equals the one inside (RFC 5280 §4.1.1.2), the signature BIT STRING has no unused
 * bits, and each extension we process decodes completely (RFC 5280 §4.2: a certificate whose
 * extension cannot be read cannot be validated).
 */
function checkStructure(cert: pkijs.Certificate, extensions: readonly pkijs.Extension[]): void {
  const inner = bytesOf(cert.signature.toSchema().toBER());
  const outer = bytesOf(cert.signatureAlgorithm.toSchema().toBER());
  if (inner.length !== outer.length || inner.some((byte, i) => byte !== outer[i]))
    throw malformed('signatureAlgorithm differs from the TBS signature field');
  if (cert.signatureValue.valueBlock.unusedBits !== 0) throw malformed('signature BIT STRING has unused bits');
  for (const extension of extensions) {
    const label = DECODED_EXTENSIONS[extension.extnID];
    if (label === undefined) continue;
    const raw = extension.extnValue.valueBlock.valueHexView;
    let decoded = false;
    try {
      decoded = raw.length > 0 && readTlv(raw, 0).end === raw.length;
    } catch {
      decoded = false;
    }
    const parsed = extension.parsedValue as { parsingError?: string } | null | undefined;
    if (!decoded || parsed === null || parsed === undefined || parsed.parsingError !== undefined)
      throw malformed(`${label} extension does not decode`);
  }
}

function parseUncached(der: Uint8Array): ParsedCertificate {
  let cert: pkijs.Certificate;
  // DER (X.690 §10.1): the certificate is exactly one definite-length element, nothing before or after
  // it and no length that points past the data; asn1js alone tolerates both.
  let whole = false;
  try {
    whole = readTlv(der, 0).end === der.length;
  } catch {
    whole = false;
  }
  if (!whole) throw malformed('the certificate is not one complete DER element');
  try {
    cert = pkijs.Certificate.fromBER(der as Uint8Array<ArrayBuffer>);
  } catch (cause) {
    throw new CertificateError(
      'malformed_certificate',
      (cause as Error).message ?? 'cannot parse certificate',
      undefined,
      { cause },
    );
  }
  const extensions = cert.extensions ?? [];
  const find = (oid: string) => extensions.find((extension) => extension.extnID === oid);
  checkStructure(cert, extensions);
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  const emails: string[] = [];
  const san = find(OID.subjectAltName)?.parsedValue as pkijs.AltName | undefined;
  for (const name of san?.altNames ?? []) {
    if (name.type === 2) dnsNames.push(String(name.value));
    else if (name.type === 1) emails.push(String(name.value));
    else if (name.type === 7) {
      const bytes = bytesOf((name.value as asn1js.OctetString).valueBlock.valueHexView);
      // RFC 5280 §4.2.1.6: four octets for IPv4, sixteen for IPv6.
      if (bytes.length !== 4 && bytes.length !== 16) throw malformed(`iPAddress SAN of ${bytes.length} octets`);
      ipAddresses.push(ipToString(bytes));
    }
  }
  const bc = find(OID.basicConstraints)?.parsedValue as pkijs.BasicConstraints | undefined;
  const ku = find(OID.keyUsage);
  const eku = find(OID.extKeyUsage)?.parsedValue as pkijs.ExtKeyUsage | undefined;
  const ski = find(OID.subjectKeyIdentifier)?.parsedValue as asn1js.OctetString | undefined;
  const aki = find(OID.authorityKeyIdentifier)?.parsedValue as pkijs.AuthorityKeyIdentifier | undefined;
  const attributes = (type: string) =>
    cert.subject.typesAndValues
      .filter((attribute) => attribute.type === type)
      .map((a) => String(a.value.valueBlock.value));
  const commonNames = attributes(OID.commonName);
  let publicKey: PublicKey;
  try {
    publicKey = publicKeyFromSpki(cert.subjectPublicKeyInfo);
  } catch (cause) {
    throw new CertificateError('unsupported_signature_algorithm', (cause as Error).message, undefined, { cause });
  }
  const pathLength = bc?.pathLenConstraint;
  return {
    der: der.slice(),
    tbs: bytesOf(cert.tbsView),
    version: cert.version,
    serialBytes: bytesOf(cert.serialNumber.valueBlock.valueHexView),
    serialNumber: [...cert.serialNumber.valueBlock.valueHexView].map((b) => b.toString(16).padStart(2, '0')).join(''),
    subjectDer: bytesOf(cert.subject.toSchema().toBER()),
    issuerDer: bytesOf(cert.issuer.toSchema().toBER()),
    subject: nameToString(cert.subject),
    issuer: nameToString(cert.issuer),
    commonName: commonNames[0],
    commonNames,
    subjectEmails: attributes(OID.emailAddress),
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    publicKey,
    signatureScheme: signatureSchemeOf(cert.signatureAlgorithm),
    signatureAlgorithmOid: cert.signatureAlgorithm.algorithmId,
    signature: bytesOf(cert.signatureValue.valueBlock.valueHexView),
    dnsNames,
    ipAddresses,
    emails,
    sanTypes: new Set((san?.altNames ?? []).map((name) => name.type)),
    basicConstraints:
      bc === undefined ? undefined : { ca: bc.cA, pathLength: typeof pathLength === 'number' ? pathLength : undefined },
    keyUsage: ku === undefined ? undefined : keyUsageOf(ku),
    extendedKeyUsage: eku?.keyPurposes,
    subjectKeyId: ski === undefined ? undefined : bytesOf(ski.valueBlock.valueHexView),
    authorityKeyId: aki?.keyIdentifier === undefined ? undefined : bytesOf(aki.keyIdentifier.valueBlock.valueHexView),
    authorityKeyIdNamesIssuer: aki?.authorityCertIssuer !== undefined || aki?.authorityCertSerialNumber !== undefined,
    extensions: extensions.map((extension) => ({
      oid: extension.extnID,
      critical: extension.critical,
      value: bytesOf(extension.extnValue.valueBlock.valueHexView),
    })),
    raw: cert,
  };
}
