import { UsageError } from '../args.js';

/** Where `s_server` listens: `host` undefined means every interface (node's default bind, `::` or `0.0.0.0`). */
export interface AcceptAddress {
  readonly host: string | undefined;
  /** 0 asks the system for a free port. */
  readonly port: number;
}

/**
 * `s_server -accept [HOST:]PORT`, read as OpenSSL 3.0's s_server reads it (BIO_parse_hostserv with
 * the service first):
 * - `PORT`, `:PORT`, `*:PORT`: every interface (OpenSSL passes no host to getaddrinfo);
 * - `HOST:PORT`, `[IPV6]:PORT`: that address only;
 * - `HOST:`, `HOST:*`, `[IPV6]`: that address, a port the system picks (getaddrinfo without a service).
 *
 * Throws UsageError for what OpenSSL rejects as "malformed or ambiguous" (an IPv6 address without
 * brackets, a missing `]`), for a service name (only port numbers here) and for no host and no port.
 *
 * @example
 * acceptAddress('4433'); // { host: undefined, port: 4433 }
 * acceptAddress('[::1]:8443'); // { host: '::1', port: 8443 }
 */
export function acceptAddress(value: string): AcceptAddress {
  const bad = (why: string): UsageError => new UsageError(`-accept: ${why}, got '${value}' (expected [HOST:]PORT)`);
  let host: string | undefined;
  let service: string | undefined;
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    const rest = value.slice(close + 1);
    if (close < 0 || (rest !== '' && !rest.startsWith(':'))) throw bad('malformed address');
    host = value.slice(1, close);
    service = rest === '' ? undefined : rest.slice(1);
  } else {
    const colon = value.indexOf(':');
    if (colon !== value.lastIndexOf(':')) throw bad('ambiguous: write an IPv6 address in brackets');
    if (colon < 0) service = value;
    else {
      host = value.slice(0, colon);
      service = value.slice(colon + 1);
    }
  }
  if (host === '' || host === '*') host = undefined;
  if (service === '' || service === '*') service = undefined;
  if (service?.includes(':') === true) throw bad('malformed port');
  if (host === undefined && service === undefined) throw bad('no host and no port');
  if (service === undefined) return { host, port: 0 };
  const port = /^\d+$/.test(service) ? Number(service) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) throw bad('the port is a number from 0 to 65535');
  return { host, port };
}
