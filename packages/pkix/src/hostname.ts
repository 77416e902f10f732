import type { ParsedCertificate } from './certificate.js';
import { canonicalDns, isValidDnsName, wildcardCoversPublicSuffix } from './dns-name.js';

/** A custom matcher (Erlang `customize_hostname_check` match_fun): true/false decides, undefined defers. */
export type HostnameMatchFun = (reference: string, presented: string) => boolean | undefined;

/**
 * Dotted-decimal IPv4 as RFC 3986 §3.2.2 writes it: four decimal octets without leading zeros.
 * `192.168.001.1` is refused: C libraries read a leading zero as octal, so the same text names two
 * different addresses depending on who reads it.
 */
function isIPv4(text: string): boolean {
  return (
    /^(?:0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,2})){3}$/.test(text) && text.split('.').every((part) => Number(part) <= 255)
  );
}

/** Normalizes an IP literal so "::1" and "0:0:0:0:0:0:0:1" compare equal; undefined when it is not one. */
export function normalizeIp(text: string): string | undefined {
  const bare = text.replace(/^\[|\]$/g, '');
  if (isIPv4(bare)) return bare;
  if (!bare.includes(':')) return undefined;
  const [head, tail, extra] = bare.split('::') as [string, string | undefined, string | undefined];
  if (extra !== undefined) return undefined;
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  if (tail === undefined && left.length !== 8) return undefined;
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail !== undefined && missing === 0)) return undefined;
  const groups = [...left, ...Array(tail === undefined ? 0 : missing).fill('0'), ...right];
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return groups.map((g) => Number.parseInt(g, 16).toString(16)).join(':');
}

/**
 * Can a presented DNS SAN ever match? Only a valid LDH name (RFC 5280 §4.2.1.6), with a wildcard
 * only as the complete left-most label of a name of three labels or more whose remainder is not a
 * public suffix (RFC 6125 §6.4.3, §7.2; CABF BR 3.2.2.6). A `*` inside a label (`w*`, `xn--*`) is
 * not LDH, so it never matches either.
 */
export function isUsableDnsSan(presented: string): boolean {
  let usable = usableSans.get(presented);
  if (usable === undefined) {
    // Servers present the same names on every handshake: the answer is kept (a bounded cache).
    if (usableSans.size >= USABLE_CACHE_LIMIT) usableSans.clear();
    usable = computeUsable(presented);
    usableSans.set(presented, usable);
  }
  return usable;
}

const USABLE_CACHE_LIMIT = 4096;
const usableSans = new Map<string, boolean>();

function computeUsable(presented: string): boolean {
  if (!isValidDnsName(presented, true)) return false;
  const pattern = canonicalDns(presented);
  if (!pattern.startsWith('*.')) return true;
  return pattern.split('.').length >= 3 && !wildcardCoversPublicSuffix(pattern);
}

/** RFC 6125 §6.4.3: a wildcard matches exactly one left-most label. `presented` is usable. */
function dnsMatches(reference: string, presented: string): boolean {
  const pattern = canonicalDns(presented);
  if (!pattern.startsWith('*.')) return reference === pattern;
  const dot = reference.indexOf('.');
  return dot > 0 && reference.slice(dot + 1) === pattern.slice(2);
}

/**
 * Does the certificate identify `reference` (a DNS name or an IP literal)? IP references match only
 * IP SANs, compared as addresses; DNS references match only usable DNS SANs (see
 * {@link isUsableDnsSan}). The subject CN is never consulted (RFC 9525 §6.3, CABF BR 7.1.4.3), so a
 * certificate without a subjectAltName matches nothing. A reference that is neither a valid IP
 * address nor a valid DNS name (`192.168.001.1`, `a..b`) matches nothing.
 *
 * @example
 * hostnameMatches(cert, 'www.example.com');
 */
export function hostnameMatches(
  certificate: ParsedCertificate,
  reference: string,
  matchFun?: HostnameMatchFun,
): boolean {
  const ip = normalizeIp(reference);
  if (ip !== undefined) return certificate.ipAddresses.some((presented) => normalizeIp(presented) === ip);
  const ref = canonicalDns(toAscii(reference));
  if (!isValidDnsName(ref)) return false;
  return certificate.dnsNames.some((presented) => {
    if (!isUsableDnsSan(presented)) return false;
    const custom = matchFun?.(ref, presented);
    return custom ?? dnsMatches(ref, presented);
  });
}

/** IDNA: compare in A-label form (RFC 5890); WHATWG URL does the Punycode conversion. */
function toAscii(name: string): string {
  if (!/[^ -~]/.test(name)) return name;
  try {
    return new URL(`http://${name}/`).hostname;
  } catch {
    return name;
  }
}
