import { bytesToHex } from '@noble/hashes/utils.js';
import type { SignatureSchemeName } from '@sslsocket/suites';
import { algorithmOf, type ParsedCertificate, signatureSchemeOf } from './certificate.js';
import { authorityKeyIdOf, type CertificateExtension, extensionListOf } from './certificate-extensions.js';
import { children, type Tlv } from './der.js';
import {
  bitStringOf,
  contentOf,
  contextTag,
  elementsOf,
  encodingOf,
  expectTag,
  readWhole,
  TAG,
  timeOf,
} from './der-reader.js';
import { PemError } from './errors.js';
import { canonicalNameEncoding } from './name-hash.js';
import { nameAttributesOf, nameToString } from './names.js';
import { pemOrDer } from './pem.js';

/** One revoked certificate entry (RFC 5280 §5.1.2.6). */
export interface RevokedEntry {
  readonly revocationDate: Date;
  /** CRLReason code (RFC 5280 §5.3.1), when the entry carries one. */
  readonly reason: number | undefined;
}

/** The parts of an X.509 CRL (RFC 5280 §5) that revocation checking needs. */
export interface ParsedCrl {
  readonly der: Uint8Array;
  readonly tbs: Uint8Array;
  readonly issuerDer: Uint8Array;
  readonly issuer: string;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | undefined;
  /** Revoked entries by serial number, lower-case hex exactly as in `ParsedCertificate.serialNumber`. */
  readonly revoked: ReadonlyMap<string, RevokedEntry>;
  readonly signatureScheme: SignatureSchemeName | undefined;
  readonly signatureAlgorithmOid: string;
  readonly signature: Uint8Array;
  readonly crlNumber: bigint | undefined;
  /** The cRLNumber extension is marked critical (RFC 5280 §5.2.3 says non-critical). */
  readonly crlNumberCritical: boolean;
  /** A delta CRL (RFC 5280 §5.2.4); we never use these on their own. */
  readonly isDelta: boolean;
  /** Critical CRL extensions we do not process: such a CRL cannot be relied on (RFC 5280 §5.2). */
  readonly unhandledCritical: readonly string[];
  readonly authorityKeyId: Uint8Array | undefined;
}

const CRL_NUMBER = '2.5.29.20';
const DELTA_CRL_INDICATOR = '2.5.29.27';
const AUTHORITY_KEY_ID = '2.5.29.35';
const CRL_REASON = '2.5.29.21';
// Extensions whose presence does not change which certificates a plain full CRL covers.
const HANDLED_CRL_EXTENSIONS = new Set([CRL_NUMBER, DELTA_CRL_INDICATOR, AUTHORITY_KEY_ID, '2.5.29.18']);

/**
 * Parses one DER CRL. Malformed input is a PemError.
 *
 * @example
 * const crl = parseCrl(der);
 * crl.revoked.has(certificate.serialNumber);
 */
export function parseCrl(der: Uint8Array): ParsedCrl {
  try {
    return parseCrlFields(der);
  } catch (cause) {
    throw new PemError(`malformed CRL: ${(cause as Error).message}`, { cause });
  }
}

/** TBSCertList (RFC 5280 §5.1): version?, signature, issuer, thisUpdate, nextUpdate?, revoked?, [0] crlExtensions?. */
function parseCrlFields(der: Uint8Array): ParsedCrl {
  const [tbs, algorithmTlv, signatureTlv, extra] = elementsOf(
    der,
    readWhole(der, 'CertificateList'),
    'CertificateList',
  );
  if (extra !== undefined) throw new PemError('CertificateList: unexpected field');
  const fields = elementsOf(der, tbs, 'tbsCertList');
  let index = fields[0]?.tag === TAG.integer ? 1 : 0;
  algorithmOf(der, fields[index++], 'signature');
  const issuer = expectTag(fields[index++], TAG.sequence, 'issuer');
  const thisUpdate = timeOf(der, fields[index++], 'thisUpdate');
  let nextUpdate: Date | undefined;
  const next = fields[index];
  if (next !== undefined && (next.tag === TAG.utcTime || next.tag === TAG.generalizedTime)) {
    nextUpdate = timeOf(der, next, 'nextUpdate');
    index++;
  }
  const revoked = new Map<string, RevokedEntry>();
  if (fields[index]?.tag === TAG.sequence) {
    for (const entry of children(der, fields[index++] as Tlv)) {
      const [serial, date, entryExtensions] = elementsOf(der, entry, 'revokedCertificate');
      const reasonExtension =
        entryExtensions === undefined
          ? undefined
          : extensionListOf(der, entryExtensions).find((e) => e.oid === CRL_REASON);
      // CRLReason is an ENUMERATED: tag, length 1, the code.
      const reasonBytes = reasonExtension?.value;
      revoked.set(bytesToHex(contentOf(der, expectTag(serial, TAG.integer, 'userCertificate'))), {
        revocationDate: timeOf(der, date, 'revocationDate'),
        reason: reasonBytes !== undefined && reasonBytes.length === 3 ? reasonBytes[2] : undefined,
      });
    }
  }
  let extensions: CertificateExtension[] = [];
  const extensionsTlv = fields[index];
  if (extensionsTlv !== undefined) {
    const [list, more] = elementsOf(der, extensionsTlv, 'crlExtensions', contextTag(0, true));
    if (more !== undefined) throw new PemError('crlExtensions: unexpected field');
    extensions = extensionListOf(der, list);
    index++;
  }
  if (index !== fields.length) throw new PemError('tbsCertList: unexpected field');
  const numberBytes = extensions.find((e) => e.oid === CRL_NUMBER)?.value;
  let crlNumber: bigint | undefined;
  if (numberBytes !== undefined && numberBytes.length > 2) {
    crlNumber = 0n;
    for (const byte of numberBytes.subarray(2)) crlNumber = (crlNumber << 8n) | BigInt(byte);
  }
  const akiValue = extensions.find((e) => e.oid === AUTHORITY_KEY_ID)?.value;
  const signatureAlgorithm = algorithmOf(der, algorithmTlv, 'signatureAlgorithm');
  return {
    der: der.slice(),
    tbs: encodingOf(der, tbs as Tlv).slice(),
    issuerDer: encodingOf(der, issuer).slice(),
    issuer: nameToString(nameAttributesOf(der, issuer)),
    thisUpdate,
    nextUpdate,
    revoked,
    signatureScheme: signatureSchemeOf(signatureAlgorithm),
    signatureAlgorithmOid: signatureAlgorithm.oid,
    signature: bitStringOf(der, signatureTlv, 'signatureValue').bits.slice(),
    crlNumber,
    crlNumberCritical: extensions.some((e) => e.oid === CRL_NUMBER && e.critical),
    isDelta: extensions.some((e) => e.oid === DELTA_CRL_INDICATOR),
    unhandledCritical: extensions.filter((e) => e.critical && !HANDLED_CRL_EXTENSIONS.has(e.oid)).map((e) => e.oid),
    authorityKeyId: akiValue === undefined ? undefined : authorityKeyIdOf(akiValue).keyIdentifier,
  };
}

/**
 * Every CRL in PEM text (`-----BEGIN X509 CRL-----`) or one DER CRL.
 *
 * @example
 * const crls = parseCrls(fs.readFileSync('ca.crl.pem', 'utf8'));
 */
export function parseCrls(input: string | Uint8Array): ParsedCrl[] {
  return pemOrDer(input, ['X509 CRL']).map((der) => parseCrl(der));
}

/** Do two Names match as OpenSSL's X509_NAME_cmp compares them (canonical form, RFC 5280 §7.1)? */
export function sameName(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length === b.length && a.every((byte, i) => byte === b[i])) return true;
  const ca = canonicalNameEncoding(a);
  const cb = canonicalNameEncoding(b);
  return ca.length === cb.length && ca.every((byte, i) => byte === cb[i]);
}

/** CRLs a source fetched for one certificate, and why the ones it could not fetch failed. */
export interface CrlFetchResult {
  readonly crls: readonly ParsedCrl[];
  /** One readable line per failed download (URL and cause), reported when no CRL decides. */
  readonly failures: readonly string[];
}

/** Where verifyChain finds CRLs for an issuer Name (DER). */
export interface CrlSource {
  lookup(issuerDer: Uint8Array): readonly ParsedCrl[];
  /**
   * Optional: CRLs found for one certificate when `lookup` gave none that decides, e.g. downloaded
   * from its cRLDistributionPoints (`HttpCrlCache`). Must not reject: failures are reported in
   * the result and judged by the crl_check mode.
   */
  fetchFor?(certificate: ParsedCertificate): Promise<CrlFetchResult>;
}

/**
 * An in-memory CRL store (Erlang `ssl_crl_cache:insert/1`, `delete/1`).
 *
 * @example
 * const cache = new CrlCache();
 * cache.insert(fs.readFileSync('intermediate.crl.pem', 'utf8'));
 * await verifyChain(chain, { roots, crlCheck: true, crlCache: cache });
 */
export class CrlCache implements CrlSource {
  private readonly crls: ParsedCrl[] = [];

  /** Adds CRLs (PEM text with one or more CRLs, one DER CRL, or parsed ones); returns how many were added. */
  insert(input: string | Uint8Array | ParsedCrl | readonly ParsedCrl[]): number {
    const crls =
      typeof input === 'string' || input instanceof Uint8Array
        ? parseCrls(input)
        : Array.isArray(input)
          ? (input as readonly ParsedCrl[])
          : [input as ParsedCrl];
    for (const crl of crls) {
      // A CRL already held (same bytes) is not stored twice.
      if (!this.crls.some((held) => held.der.length === crl.der.length && held.der.every((b, i) => b === crl.der[i])))
        this.crls.push(crl);
    }
    return crls.length;
  }

  lookup(issuerDer: Uint8Array): readonly ParsedCrl[] {
    return this.crls.filter((crl) => sameName(crl.issuerDer, issuerDer));
  }

  /** Drops every CRL of this issuer. */
  delete(issuerDer: Uint8Array): void {
    for (let i = this.crls.length - 1; i >= 0; i--)
      if (sameName((this.crls[i] as ParsedCrl).issuerDer, issuerDer)) this.crls.splice(i, 1);
  }

  get size(): number {
    return this.crls.length;
  }
}
