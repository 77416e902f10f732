import { CertificateError, type CertificateErrorReason } from '@sslsocket/pkix';
import { NotTlsAlert, TlsAlert } from '@sslsocket/suites';
import { TimeoutError } from 'sslsocket';

/** An sslsocket error with the string `code` node's callers test (`err.code === 'ECONNRESET'`). */
export interface NodeStyleError extends Error {
  code: string;
}

/** OpenSSL's X509_V_ERR names, as node reports them in `authorizationError` and `err.code`. */
const VERIFY_CODES: Partial<Record<CertificateErrorReason, string>> = {
  cert_expired: 'CERT_HAS_EXPIRED',
  cert_not_yet_valid: 'CERT_NOT_YET_VALID',
  unknown_ca: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  selfsigned_peer: 'DEPTH_ZERO_SELF_SIGNED_CERT',
  hostname_check_failed: 'ERR_TLS_CERT_ALTNAME_INVALID',
  invalid_signature: 'CERT_SIGNATURE_FAILURE',
  invalid_ext_key_usage: 'INVALID_PURPOSE',
  invalid_key_usage: 'INVALID_PURPOSE',
  cert_revoked: 'CERT_REVOKED',
  chain_too_long: 'CERT_CHAIN_TOO_LONG',
  max_path_length_reached: 'PATH_LENGTH_EXCEEDED',
  unable_to_get_crl: 'UNABLE_TO_GET_CRL',
  crl_expired: 'CRL_HAS_EXPIRED',
  crl_not_yet_valid: 'CRL_NOT_YET_VALID',
  crl_signature_failure: 'CRL_SIGNATURE_FAILURE',
  name_not_permitted: 'PERMITTED_VIOLATION',
  policy_error: 'NO_EXPLICIT_POLICY',
};

/** The node / OpenSSL verification code for a certificate failure reason. */
export function verifyCode(reason: CertificateErrorReason): string {
  return VERIFY_CODES[reason] ?? 'CERT_REJECTED';
}

/**
 * Gives an sslsocket error node's `code` string, keeping its class (so `instanceof TlsAlert` still
 * holds): certificate failures get OpenSSL's verify names, alerts `ERR_SSL_<DESCRIPTION>` (node's
 * `ERR_SSL_SSLV3_ALERT_...` family), timeouts `ERR_TLS_HANDSHAKE_TIMEOUT`, transport errors keep
 * theirs (`ECONNRESET`).
 */
export function nodeError(error: unknown, during: 'handshake' | 'data' = 'data'): NodeStyleError {
  const base = error instanceof Error ? error : new Error(String(error));
  const certificate = base instanceof CertificateError ? base : base.cause;
  let code: string;
  if (certificate instanceof CertificateError) code = verifyCode(certificate.reason);
  // OpenSSL's reasons for plain HTTP on a TLS port: node's ERR_SSL_HTTP_REQUEST and its sibling.
  else if (base instanceof NotTlsAlert && base.kind !== 'http_response') code = `ERR_SSL_${base.kind.toUpperCase()}`;
  else if (base instanceof TlsAlert) code = `ERR_SSL_${base.description.toUpperCase()}`;
  else if (base instanceof TimeoutError) code = during === 'handshake' ? 'ERR_TLS_HANDSHAKE_TIMEOUT' : 'ETIMEDOUT';
  else {
    const existing = (base as { code?: unknown }).code;
    code = typeof existing === 'string' ? existing : 'ERR_SSL_ERROR';
  }
  // TlsAlert's numeric code is the alert number; node callers compare strings.
  Object.defineProperty(base, 'code', { value: code, configurable: true, enumerable: true, writable: true });
  return base as NodeStyleError;
}
