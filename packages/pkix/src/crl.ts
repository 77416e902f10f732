import type { SignatureSchemeName } from '@sslsocket/suites';
import * as pkijs from 'pkijs';
import { nameToString, signatureSchemeOf } from './certificate.js';
import { PemError } from './errors.js';
import { bytesOf } from './keys.js';
import { canonicalNameEncoding } from './name-hash.js';
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

const hex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

/**
 * Parses one DER CRL. Malformed input is a PemError.
 *
 * @example
 * const crl = parseCrl(der);
 * crl.revoked.has(certificate.serialNumber);
 */
export function parseCrl(der: Uint8Array): ParsedCrl {
  let crl: pkijs.CertificateRevocationList;
  try {
    crl = pkijs.CertificateRevocationList.fromBER(der as Uint8Array<ArrayBuffer>);
  } catch (cause) {
    throw new PemError(`malformed CRL: ${(cause as Error).message}`, { cause });
  }
  const revoked = new Map<string, RevokedEntry>();
  for (const entry of crl.revokedCertificates ?? []) {
    const reasonExtension = entry.crlEntryExtensions?.extensions.find((e) => e.extnID === CRL_REASON);
    // CRLReason is an ENUMERATED: tag, length 1, the code.
    const reasonBytes = reasonExtension?.extnValue.valueBlock.valueHexView;
    revoked.set(hex(entry.userCertificate.valueBlock.valueHexView), {
      revocationDate: entry.revocationDate.value,
      reason: reasonBytes !== undefined && reasonBytes.length === 3 ? reasonBytes[2] : undefined,
    });
  }
  const extensions = crl.crlExtensions?.extensions ?? [];
  const numberBytes = extensions.find((e) => e.extnID === CRL_NUMBER)?.extnValue.valueBlock.valueHexView;
  let crlNumber: bigint | undefined;
  if (numberBytes !== undefined && numberBytes.length > 2) {
    crlNumber = 0n;
    for (const byte of numberBytes.subarray(2)) crlNumber = (crlNumber << 8n) | BigInt(byte);
  }
  const aki = extensions.find((e) => e.extnID === AUTHORITY_KEY_ID)?.parsedValue as
    | pkijs.AuthorityKeyIdentifier
    | undefined;
  return {
    der: der.slice(),
    tbs: bytesOf(crl.tbsView),
    issuerDer: bytesOf(crl.issuer.toSchema().toBER()),
    issuer: nameToString(crl.issuer),
    thisUpdate: crl.thisUpdate.value,
    nextUpdate: crl.nextUpdate?.value,
    revoked,
    signatureScheme: signatureSchemeOf(crl.signatureAlgorithm),
    signatureAlgorithmOid: crl.signatureAlgorithm.algorithmId,
    signature: bytesOf(crl.signatureValue.valueBlock.valueHexView),
    crlNumber,
    crlNumberCritical: extensions.some((e) => e.extnID === CRL_NUMBER && e.critical),
    isDelta: extensions.some((e) => e.extnID === DELTA_CRL_INDICATOR),
    unhandledCritical: extensions
      .filter((e) => e.critical && !HANDLED_CRL_EXTENSIONS.has(e.extnID))
      .map((e) => e.extnID),
    authorityKeyId: aki?.keyIdentifier === undefined ? undefined : bytesOf(aki.keyIdentifier.valueBlock.valueHexView),
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

/** Where verifyChain finds CRLs for an issuer Name (DER). */
export interface CrlSource {
  lookup(issuerDer: Uint8Array): readonly ParsedCrl[];
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
