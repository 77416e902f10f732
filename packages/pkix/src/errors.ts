import type { AlertDescriptionName } from '@sslsocket/suites';

/** Why a certificate or chain was rejected, named as Erlang `ssl` names them. */
export type CertificateErrorReason =
  | 'cert_expired'
  | 'cert_not_yet_valid'
  | 'unknown_ca'
  | 'selfsigned_peer'
  | 'hostname_check_failed'
  | 'invalid_signature'
  | 'insecure_signature_algorithm'
  | 'unsupported_signature_algorithm'
  | 'name_not_permitted'
  | 'invalid_key_usage'
  | 'invalid_ext_key_usage'
  | 'max_path_length_reached'
  | 'missing_basic_constraint'
  | 'unknown_critical_extension'
  | 'policy_error'
  | 'cert_revoked'
  | 'revocation_status_undetermined'
  | 'unable_to_get_crl'
  | 'crl_expired'
  | 'crl_not_yet_valid'
  | 'crl_signature_failure'
  | 'chain_too_long'
  | 'malformed_certificate'
  | 'user_rejected';

const ALERTS: Record<CertificateErrorReason, AlertDescriptionName> = {
  cert_expired: 'certificate_expired',
  cert_not_yet_valid: 'certificate_expired',
  unknown_ca: 'unknown_ca',
  selfsigned_peer: 'bad_certificate',
  hostname_check_failed: 'bad_certificate',
  invalid_signature: 'bad_certificate',
  insecure_signature_algorithm: 'bad_certificate',
  unsupported_signature_algorithm: 'unsupported_certificate',
  name_not_permitted: 'bad_certificate',
  invalid_key_usage: 'unsupported_certificate',
  invalid_ext_key_usage: 'unsupported_certificate',
  max_path_length_reached: 'unknown_ca',
  missing_basic_constraint: 'bad_certificate',
  unknown_critical_extension: 'unsupported_certificate',
  policy_error: 'bad_certificate',
  cert_revoked: 'certificate_revoked',
  // Erlang sends bad_certificate for {bad_cert, revocation_status_undetermined}; the CRL reasons
  // below are finer names for the same verdict, as `openssl verify` distinguishes them.
  revocation_status_undetermined: 'bad_certificate',
  unable_to_get_crl: 'bad_certificate',
  crl_expired: 'bad_certificate',
  crl_not_yet_valid: 'bad_certificate',
  crl_signature_failure: 'bad_certificate',
  chain_too_long: 'unknown_ca',
  malformed_certificate: 'bad_certificate',
  user_rejected: 'bad_certificate',
};

/**
 * A certificate that failed validation. `alert` is the TLS alert the handshake sends for it, so the
 * engine maps it without knowing PKIX.
 */
export class CertificateError extends Error {
  override readonly name = 'CertificateError';
  readonly alert: AlertDescriptionName;
  constructor(
    readonly reason: CertificateErrorReason,
    message: string,
    /** Position in the chain (0 = leaf) of the certificate at fault, when known. */
    readonly depth?: number,
    options?: { cause?: unknown },
  ) {
    super(`${reason}: ${message}`, options);
    this.alert = ALERTS[reason];
  }
}

/** A PEM/DER/key that could not be parsed. */
export class PemError extends Error {
  override readonly name = 'PemError';
}
