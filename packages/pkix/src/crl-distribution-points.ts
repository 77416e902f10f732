import type { ParsedCertificate } from './certificate.js';
import { children, readTlv } from './der.js';
import { OID } from './oids.js';

// Context tags inside a DistributionPoint (RFC 5280 §4.2.1.13, module with IMPLICIT tags).
const DISTRIBUTION_POINT = 0xa0; // [0] DistributionPointName (a CHOICE, so explicitly tagged)
const FULL_NAME = 0xa0; // [0] GeneralNames inside DistributionPointName
const REASONS = 0x81; // [1] ReasonFlags
const CRL_ISSUER = 0xa2; // [2] GeneralNames
const URI = 0x86; // GeneralName uniformResourceIdentifier [6] IA5String

/**
 * The `http:` URIs of a certificate's cRLDistributionPoints extension (RFC 5280 §4.2.1.13), in
 * order, without duplicates. Only distribution points that name the whole CRL of the certificate's
 * issuer count: a point with `reasons` (a partial CRL) or a `cRLIssuer` (an indirect CRL) is
 * skipped, as are ldap:, https: and other schemes (RFC 5280 §4.2.1.13: http URIs point to a DER
 * CRL; https would need a TLS connection inside certificate validation). A malformed extension
 * throws a PemError (the certificate is malformed).
 *
 * @example
 * crlDistributionPointUris(parseCertificate(der)); // ['http://crl.example.com/ca.crl']
 */
export function crlDistributionPointUris(certificate: ParsedCertificate): string[] {
  const extension = certificate.extensions.find((e) => e.oid === OID.crlDistributionPoints);
  if (extension === undefined) return [];
  const bytes = extension.value;
  const uris: string[] = [];
  const points = readTlv(bytes, 0);
  for (const point of children(bytes, points)) {
    const fields = children(bytes, point);
    if (fields.some((f) => f.tag === REASONS || f.tag === CRL_ISSUER)) continue;
    const name = fields.find((f) => f.tag === DISTRIBUTION_POINT);
    if (name === undefined) continue;
    for (const choice of children(bytes, name)) {
      if (choice.tag !== FULL_NAME) continue; // nameRelativeToCRLIssuer needs an LDAP directory
      for (const general of children(bytes, choice)) {
        if (general.tag !== URI) continue;
        const uri = new TextDecoder().decode(bytes.subarray(general.contentStart, general.end));
        if (/^http:\/\//i.test(uri) && !uris.includes(uri)) uris.push(uri);
      }
    }
  }
  return uris;
}
