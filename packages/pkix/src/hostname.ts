import { normalizeHostName } from '@sslsocket/suites';
import type { ParsedCertificate } from './certificate.js';

/** A custom matcher (Erlang `customize_hostname_check` match_fun): true/false decides, undefined defers. */
export type HostnameMatchFun = (reference: string, presented: string) => boolean | undefined;

function isIPv4(text: string): boolean {
  return /^(\d{1,3})(\.\d{1,3}){3}$/.test(text) && text.split('.').every((part) => Number(part) <= 255);
}

/** Normalizes an IP literal so "::1" and "0:0:0:0:0:0:0:1" compare equal. */
export function normalizeIp(text: string): string | undefined {
  const bare = text.replace(/^\[|\]$/g, '');
  if (isIPv4(bare)) return bare.split('.').map(Number).join('.');
  if (!bare.includes(':')) return undefined;
  const [head, tail] = bare.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  if (tail === undefined && left.length !== 8) return undefined;
  const missing = 8 - left.length - right.length;
  if (missing < 0) return undefined;
  const groups = [...left, ...Array(tail === undefined ? 0 : missing).fill('0'), ...right];
  if (groups.length !== 8 || !groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return undefined;
  return groups.map((g) => Number.parseInt(g, 16).toString(16)).join(':');
}

/** DNS names compare case-insensitively and without a trailing dot (RFC 6125 §6.4.1). */
function canonicalDns(name: string): string {
  return normalizeHostName(name);
}

/**
 * RFC 6125 §6.4.3 / RFC 9525 §6.3: a wildcard only as the complete left-most label, matching exactly
 * one label, never in a two-label (public-suffix-like) name. Names compare as ASCII, so IDNA
 * A-labels (`xn--...`) match only themselves; a `*` written inside a label (`xn--*`, `w*`) is never
 * a wildcard, which also keeps it out of A-labels (RFC 6125 §6.4.3 last paragraph). A whole-label
 * `*` matches any one label, A-labels included, as OpenSSL's X509_check_host does.
 */
function dnsMatches(reference: string, presented: string): boolean {
  const ref = canonicalDns(reference);
  const pattern = canonicalDns(presented);
  if (!pattern.startsWith('*.')) return ref === pattern;
  const suffix = pattern.slice(2);
  if (suffix.split('.').length < 2 || suffix.includes('*')) return false;
  const dot = ref.indexOf('.');
  if (dot <= 0) return false;
  return ref.slice(dot + 1) === suffix;
}

/**
 * Does the certificate identify `reference` (a DNS name or an IP literal)? IP references match only
 * IP SANs; DNS references match DNS SANs, and the subject CN only when the certificate has no DNS or
 * IP SANs at all (RFC 6125 §6.4.4; RFC 9525 drops CN entirely, we keep the legacy fallback only then).
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
  const ref = toAscii(reference);
  const candidates =
    certificate.dnsNames.length > 0 || certificate.ipAddresses.length > 0
      ? certificate.dnsNames
      : certificate.commonName === undefined
        ? []
        : [certificate.commonName];
  return candidates.some((presented) => {
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
