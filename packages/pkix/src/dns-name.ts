import { normalizeHostName } from '@sslsocket/suites';
import { getPublicSuffix } from 'tldts';

/**
 * DNS name syntax for certificates and reference identities.
 *
 * RFC 5280 §4.2.1.6 requires a dNSName in "preferred name syntax" (RFC 1034 §3.5 as amended by
 * RFC 1123 §2.1): letters, digits and hyphens (LDH), labels of 1–63 octets that neither start nor
 * end with a hyphen, 253 octets at most. CABF BR 7.1.2.7.12 repeats that for subscriber
 * certificates and allows a wildcard only as the whole left-most label.
 */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** A name compared case-insensitively and without a final root dot (RFC 6125 §6.4.1). */
export function canonicalDns(name: string): string {
  return normalizeHostName(name);
}

/**
 * Is `name` a syntactically valid DNS name (LDH, RFC 1034 §3.5)? With `wildcard`, a `*` left-most
 * label is allowed too. A name whose last label is all digits (or `0x` hex) is never a host name:
 * no top-level domain is numeric (RFC 3696 §2), so `192.168.001.1` or `0x7f.1` are IP addresses in
 * disguise and must never match a DNS reference.
 */
export function isValidDnsName(name: string, wildcard = false): boolean {
  const canonical = canonicalDns(name);
  if (canonical.length === 0 || canonical.length > 253) return false;
  const labels = canonical.split('.');
  const start = wildcard && labels[0] === '*' && labels.length > 1 ? 1 : 0;
  for (let i = start; i < labels.length; i++) if (!LABEL.test(labels[i] as string)) return false;
  const last = labels.at(-1) as string;
  return !/^(?:\d+|0x[0-9a-f]*)$/.test(last);
}

/**
 * Does the wildcard `*.suffix` cover a whole public suffix (`*.co.uk`, or a private-section entry
 * such as `*.s3.amazonaws.com`)? Such a wildcard would name every registrant below that suffix;
 * CABF BR 3.2.2.6 forbids issuing one and RFC 6125 §7.2 warns against honouring one. The list is
 * the Public Suffix List as the `tldts` package ships it, ICANN and private sections both; a
 * suffix not on the list counts as public by the list's default rule `*`.
 */
export function wildcardCoversPublicSuffix(pattern: string): boolean {
  const canonical = canonicalDns(pattern);
  if (!canonical.startsWith('*.')) return false;
  const suffix = canonical.slice(2);
  return getPublicSuffix(suffix, { allowPrivateDomains: true }) === suffix;
}
