import { normalizeHostName } from '@sslsocket/suites';
import { defaultPublicSuffix } from '#public-suffix';

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

/** A Public Suffix List lookup: the public suffix of a domain name, or null/undefined when none. */
export type PublicSuffixLookup = (domain: string) => string | null | undefined;

let publicSuffixOf: PublicSuffixLookup | undefined = defaultPublicSuffix;

/**
 * Chooses the Public Suffix List the wildcard rule consults (process-wide). On Node, Deno and Bun
 * the whole list ships built in (the `tldts` package, ICANN and private sections); browser bundles
 * leave it out to stay small, and then only a wildcard over a single label (`*.com`) is refused
 * unless a page passes a lookup here. `undefined` restores the built-in default, `null` turns the
 * list off.
 *
 * CABF BR 3.2.2.6 forbids a CA to issue a wildcard immediately left of a registry-controlled or
 * public suffix and says to consult the list's ICANN section; RFC 6125 §7.2 warns clients about
 * such wildcards. The private section adds suffixes like `s3.amazonaws.com`.
 *
 * @example
 * import { getPublicSuffix } from 'tldts'; // or 'tldts-icann' for the ICANN section alone
 * setPublicSuffixList((domain) => getPublicSuffix(domain, { allowPrivateDomains: true }));
 */
export function setPublicSuffixList(lookup: PublicSuffixLookup | null | undefined): void {
  publicSuffixOf = lookup === undefined ? defaultPublicSuffix : (lookup ?? undefined);
}

/**
 * Does the wildcard `*.suffix` cover a whole public suffix (`*.co.uk`, or a private-section entry
 * such as `*.s3.amazonaws.com`)? Such a wildcard would name every registrant below that suffix;
 * CABF BR 3.2.2.6 forbids issuing one and RFC 6125 §7.2 warns against honouring one. The list is
 * the one `setPublicSuffixList` chose (by default on Node, Deno and Bun the whole Public Suffix
 * List as the `tldts` package ships it); a suffix not on the list counts as public by the list's
 * default rule `*` when it is a single label. Without a list only that single-label rule applies.
 */
export function wildcardCoversPublicSuffix(pattern: string): boolean {
  const canonical = canonicalDns(pattern);
  if (!canonical.startsWith('*.')) return false;
  const suffix = canonical.slice(2);
  if (publicSuffixOf === undefined) return !suffix.includes('.');
  return publicSuffixOf(suffix) === suffix;
}
