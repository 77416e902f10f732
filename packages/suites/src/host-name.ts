/**
 * Host-name normalization shared by every package that compares host names: SNI sending and
 * selection, `sniHosts` / `sniFun`, session-cache keys and certificate host-name verification.
 * @module
 */

/**
 * The SNI form of a host name: one trailing dot removed (RFC 6066 §3: "The hostname is represented
 * as a byte string using ASCII encoding without a trailing dot"), case kept as given.
 *
 * @example
 * sniHostName('Example.COM.'); // 'Example.COM'
 */
export function sniHostName(name: string): string {
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

/**
 * The comparison form of a DNS host name: ASCII letters lowered and one trailing dot removed, so
 * `Example.COM.` and `example.com` compare equal (DNS names are case-insensitive, RFC 4343 §3;
 * RFC 6125 §6.4.1 compares them as ASCII, case-insensitively; an absolute name's final dot is not
 * part of the name, RFC 6066 §3). Only ASCII is folded: IDNA names are compared as A-labels
 * (`xn--…`), and locale-dependent Unicode case rules must not make two different names equal.
 *
 * @example
 * normalizeHostName('WWW.Example.com.') === normalizeHostName('www.example.com'); // true
 */
export function normalizeHostName(name: string): string {
  return sniHostName(name).replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}
