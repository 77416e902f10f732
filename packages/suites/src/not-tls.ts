/**
 * Telling a peer that does not speak TLS at all from a broken TLS peer: plain HTTP sent to a TLS
 * port (OpenSSL's "http request" / "https proxy request" reasons, node's ERR_SSL_HTTP_REQUEST), or
 * a plain HTTP answer to our ClientHello. The record layer still answers unexpected_message, as
 * RFC 8446 §5 requires for an unknown record type; the error says what the bytes were.
 * @module
 */
import { TlsAlert } from './alerts.js';

/** What a non-TLS peer sent: an HTTP request, an HTTP proxy CONNECT, or an HTTP response. */
export type NotTlsKind = 'http_request' | 'https_proxy_request' | 'http_response';

/**
 * The unexpected_message alert for a first record that is plain HTTP, not TLS. `kind` says which;
 * node-compat turns it into node's `ERR_SSL_HTTP_REQUEST` / `ERR_SSL_HTTPS_PROXY_REQUEST`.
 *
 * @example
 * try { await server.accept(); } catch (e) { if (e instanceof NotTlsAlert) log(e.kind); }
 */
export class NotTlsAlert extends TlsAlert {
  constructor(
    readonly kind: NotTlsKind,
    readonly start: string,
  ) {
    const what =
      kind === 'http_response'
        ? 'the peer answered in plain HTTP, not TLS (is this a TLS port?)'
        : kind === 'https_proxy_request'
          ? 'the peer sent a plain HTTP proxy CONNECT to a TLS port'
          : 'the peer sent a plain HTTP request to a TLS port';
    super('unexpected_message', `${kind.replaceAll('_', ' ')}: ${what} (${JSON.stringify(start)})`);
  }
}

/** Five-byte starts of HTTP/1.x requests (RFC 9110 §9 methods and the space after short ones). */
const REQUESTS = ['GET /', 'GET h', 'POST ', 'HEAD ', 'PUT /', 'PUT h', 'DELET', 'OPTIO', 'PATCH', 'TRACE'];

/**
 * The NotTlsAlert for a record header (the first 5 bytes at `at`) that is really plain HTTP, or
 * undefined when it is something else.
 */
export function notTls(bytes: Uint8Array, at: number): NotTlsAlert | undefined {
  const start = String.fromCharCode(...bytes.subarray(at, at + 5));
  if (start === 'CONNE') return new NotTlsAlert('https_proxy_request', start);
  if (start === 'HTTP/') return new NotTlsAlert('http_response', start);
  return REQUESTS.includes(start) ? new NotTlsAlert('http_request', start) : undefined;
}
