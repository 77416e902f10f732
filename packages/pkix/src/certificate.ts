import { bytesToHex } from '@noble/hashes/utils.js';
import type { PublicKey, SignatureSchemeName } from '@sslsocket/suites';
import {
  type basicConstraintsOf,
  type CertificateExtension,
  DECODED_EXTENSIONS,
  type DecodedAuthorityKeyId,
  type DecodedNameConstraints,
  extensionListOf,
} from './certificate-extensions.js';
import { children, type Tlv } from './der.js';
import {
  bitStringOf,
  contentOf,
  contextTag,
  elementsOf,
  encodingOf,
  expectTag,
  oidOf,
  readWhole,
  smallIntegerOf,
  TAG,
  timeOf,
} from './der-reader.js';
import { CertificateError, PemError } from './errors.js';
import type { GeneralName } from './general-names.js';
import { publicKeyFromSpki } from './keys.js';
import { nameAttributesOf, nameToString } from './names.js';
import { HASH_OIDS, OID, SIGNATURE_ALGORITHMS } from './oids.js';

export type { CertificateExtension } from './certificate-extensions.js';

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
  /** The SubjectPublicKeyInfo's DER (RFC 5280 §4.1.2.7). */
  readonly spki: Uint8Array;
  /** The subjectPublicKey BIT STRING's octets: what OCSP's issuerKeyHash and ResponderID byKey hash. */
  readonly publicKeyBits: Uint8Array;
  /** The nameConstraints extension decoded (RFC 5280 §4.2.1.10), undefined without it. */
  readonly nameConstraints: DecodedNameConstraints | undefined;
}

/** An AlgorithmIdentifier (RFC 5280 §4.1.1.2): the OID and its parameters element, if any. */
export interface AlgorithmIdentifier {
  readonly oid: string;
  readonly parameters: Tlv | undefined;
  /** The bytes `parameters` points into. */
  readonly bytes: Uint8Array;
}

export function algorithmOf(bytes: Uint8Array, tlv: Tlv | undefined, what: string): AlgorithmIdentifier {
  const [oid, parameters, extra] = elementsOf(bytes, tlv, what);
  if (extra !== undefined) throw new PemError(`${what}: unexpected field`);
  return { oid: oidOf(bytes, oid, what), parameters, bytes };
}

export function ipToString(bytes: Uint8Array): string {
  if (bytes.length === 4) return [...bytes].join('.');
  const groups: string[] = [];
  for (let i = 0; i < bytes.length; i += 2)
    groups.push((((bytes[i] as number) << 8) | (bytes[i + 1] as number)).toString(16));
  return groups.join(':');
}

/** The hash of RSASSA-PSS-params (RFC 4055 §3.1): hashAlgorithm [0] EXPLICIT, SHA-1 by default. */
function pssHash(algorithm: AlgorithmIdentifier): string | undefined {
  const { bytes, parameters } = algorithm;
  if (parameters === undefined || parameters.tag !== TAG.sequence) return HASH_OIDS[OID.sha1];
  const hashField = children(bytes, parameters).find((field) => field.tag === contextTag(0, true));
  if (hashField === undefined) return HASH_OIDS[OID.sha1];
  const [inner] = children(bytes, hashField);
  return HASH_OIDS[algorithmOf(bytes, inner, 'RSASSA-PSS hashAlgorithm').oid];
}

/** The scheme for a certificate (or CRL) signature, reading RSASSA-PSS parameters (RFC 4055 §3.1). */
export function signatureSchemeOf(algorithm: AlgorithmIdentifier): SignatureSchemeName | undefined {
  const direct = SIGNATURE_ALGORITHMS[algorithm.oid];
  if (direct !== undefined) return direct;
  if (algorithm.oid !== OID.rsassaPss) return undefined;
  let hash: string | undefined;
  try {
    hash = pssHash(algorithm);
  } catch {
    return undefined;
  }
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

/** What parseFields reads from the DER, before the public key is turned into a provider key. */
function parseUncached(der: Uint8Array): ParsedCertificate {
  try {
    return parseFields(der);
  } catch (cause) {
    if (cause instanceof CertificateError) throw cause;
    throw new CertificateError(
      'malformed_certificate',
      (cause as Error).message ?? 'cannot parse certificate',
      undefined,
      {
        cause,
      },
    );
  }
}

/** TBSCertificate fields after the version (RFC 5280 §4.1). */
interface TbsFields {
  readonly serial: Tlv;
  readonly signature: Tlv;
  readonly issuer: Tlv;
  readonly validity: Tlv;
  readonly subject: Tlv;
  readonly spki: Tlv;
  readonly extensions: Tlv | undefined;
  readonly version: number;
}

function tbsFields(der: Uint8Array, tbs: Tlv): TbsFields {
  const fields = elementsOf(der, tbs, 'tbsCertificate');
  let index = 0;
  let version = 0;
  if (fields[0]?.tag === contextTag(0, true)) {
    const [value, extra] = children(der, fields[0]);
    if (extra !== undefined) throw malformed('version: unexpected field');
    version = smallIntegerOf(der, value, 'version');
    index = 1;
  }
  const [serial, signature, issuer, validity, subject, spki] = fields.slice(index, index + 6);
  if (spki === undefined) throw malformed('tbsCertificate has too few fields');
  // issuerUniqueID [1], subjectUniqueID [2], extensions [3], in that order and each at most once.
  const rest = fields.slice(index + 6);
  const order = [contextTag(1, false), contextTag(2, false), contextTag(3, true)];
  let last = -1;
  for (const field of rest) {
    const position = order.indexOf(field.tag);
    if (position <= last) throw malformed(`tbsCertificate: unexpected field (tag 0x${field.tag.toString(16)})`);
    last = position;
  }
  return {
    serial: expectTag(serial, TAG.integer, 'serialNumber'),
    signature,
    issuer: expectTag(issuer, TAG.sequence, 'issuer'),
    validity,
    subject: expectTag(subject, TAG.sequence, 'subject'),
    spki: expectTag(spki, TAG.sequence, 'subjectPublicKeyInfo'),
    extensions: rest.find((field) => field.tag === contextTag(3, true)),
    version,
  } as TbsFields;
}

function extensionsOf(der: Uint8Array, tlv: Tlv | undefined): CertificateExtension[] {
  if (tlv === undefined) return [];
  const [list, extra] = children(der, tlv);
  if (extra !== undefined) throw malformed('extensions: unexpected field');
  return extensionListOf(der, list);
}

/**
 * Decodes each extension validation relies on (RFC 5280 §4.2: a certificate whose extension cannot
 * be read cannot be validated); the decoded values by OID.
 */
function decodeExtensions(extensions: readonly CertificateExtension[]): Map<string, unknown> {
  const decoded = new Map<string, unknown>();
  for (const extension of extensions) {
    const entry = DECODED_EXTENSIONS[extension.oid];
    if (entry === undefined) continue;
    try {
      decoded.set(extension.oid, entry[1](extension.value));
    } catch {
      throw malformed(`${entry[0]} extension does not decode`);
    }
  }
  return decoded;
}

function parseFields(der: Uint8Array): ParsedCertificate {
  // DER (X.690 §10.1): the certificate is exactly one definite-length element, nothing before or after it.
  let top: Tlv;
  try {
    top = readWhole(der, 'certificate');
  } catch {
    throw malformed('the certificate is not one complete DER element');
  }
  const [tbs, outerAlgorithm, signatureValue, extra] = elementsOf(der, top, 'Certificate');
  if (extra !== undefined) throw malformed('Certificate: unexpected field');
  const fields = tbsFields(der, expectTag(tbs, TAG.sequence, 'tbsCertificate'));
  const signatureAlgorithm = algorithmOf(der, outerAlgorithm, 'signatureAlgorithm');
  algorithmOf(der, fields.signature, 'signature');
  // RFC 5280 §4.1.1.2: the signatureAlgorithm outside the TBS equals the signature field inside it.
  if (!sameDer(encodingOf(der, fields.signature), encodingOf(der, outerAlgorithm as Tlv)))
    throw malformed('signatureAlgorithm differs from the TBS signature field');
  const signature = bitStringOf(der, signatureValue, 'signatureValue');
  if (signature.unusedBits !== 0) throw malformed('signature BIT STRING has unused bits');
  const [notBefore, notAfter, validityExtra] = elementsOf(der, fields.validity, 'validity');
  if (validityExtra !== undefined) throw malformed('validity: unexpected field');
  const [, spkiKey] = elementsOf(der, fields.spki, 'subjectPublicKeyInfo');
  const publicKeyBits = bitStringOf(der, spkiKey, 'subjectPublicKey').bits.slice();
  const extensions = extensionsOf(der, fields.extensions);
  const decoded = decodeExtensions(extensions);
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  const emails: string[] = [];
  const san = decoded.get(OID.subjectAltName) as GeneralName[] | undefined;
  for (const name of san ?? []) {
    if (name.type === 2) dnsNames.push(name.text as string);
    else if (name.type === 1) emails.push(name.text as string);
    else if (name.type === 7) {
      const bytes = name.octets as Uint8Array;
      // RFC 5280 §4.2.1.6: four octets for IPv4, sixteen for IPv6.
      if (bytes.length !== 4 && bytes.length !== 16) throw malformed(`iPAddress SAN of ${bytes.length} octets`);
      ipAddresses.push(ipToString(bytes));
    }
  }
  const bc = decoded.get(OID.basicConstraints) as ReturnType<typeof basicConstraintsOf> | undefined;
  const aki = decoded.get(OID.authorityKeyIdentifier) as DecodedAuthorityKeyId | undefined;
  const subjectAttributes = nameAttributesOf(der, fields.subject);
  const attributes = (type: string) => subjectAttributes.filter((a) => a.type === type).map((a) => a.text);
  const commonNames = attributes(OID.commonName);
  const spki = encodingOf(der, fields.spki).slice();
  let publicKey: PublicKey;
  try {
    publicKey = publicKeyFromSpki(spki);
  } catch (cause) {
    throw new CertificateError('unsupported_signature_algorithm', (cause as Error).message, undefined, { cause });
  }
  const serialBytes = contentOf(der, fields.serial).slice();
  return {
    der: der.slice(),
    tbs: encodingOf(der, tbs as Tlv).slice(),
    version: fields.version,
    serialBytes,
    serialNumber: bytesToHex(serialBytes),
    subjectDer: encodingOf(der, fields.subject).slice(),
    issuerDer: encodingOf(der, fields.issuer).slice(),
    subject: nameToString(subjectAttributes),
    issuer: nameToString(nameAttributesOf(der, fields.issuer)),
    commonName: commonNames[0],
    commonNames,
    subjectEmails: attributes(OID.emailAddress),
    notBefore: timeOf(der, notBefore, 'notBefore'),
    notAfter: timeOf(der, notAfter, 'notAfter'),
    publicKey,
    spki,
    publicKeyBits,
    signatureScheme: signatureSchemeOf(signatureAlgorithm),
    signatureAlgorithmOid: signatureAlgorithm.oid,
    signature: signature.bits.slice(),
    dnsNames,
    ipAddresses,
    emails,
    sanTypes: new Set((san ?? []).map((name) => name.type)),
    basicConstraints: bc,
    keyUsage: decoded.get(OID.keyUsage) as Set<string> | undefined,
    extendedKeyUsage: decoded.get(OID.extKeyUsage) as string[] | undefined,
    subjectKeyId: decoded.get(OID.subjectKeyIdentifier) as Uint8Array | undefined,
    authorityKeyId: aki?.keyIdentifier,
    authorityKeyIdNamesIssuer: aki?.namesIssuer === true,
    extensions,
    nameConstraints: decoded.get(OID.nameConstraints) as DecodedNameConstraints | undefined,
  };
}
