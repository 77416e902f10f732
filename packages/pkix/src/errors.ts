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
  | 'user_rejected'
  // RFC 5280 / CABF profile violations (see VerificationProfile for which profile checks which).
  | 'duplicate_extension'
  | 'invalid_extension'
  | 'invalid_serial_number'
  | 'invalid_key_identifier'
  | 'unsupported_certificate_version'
  | 'ca_certificate_as_leaf'
  | 'weak_key'
  | 'invalid_common_name'
  | 'invalid_name_constraints'
  | 'name_constraints_too_complex'
  // RFC 6960 OCSP: a response that cannot be relied on (bad signature, wrong certificate, stale, ...).
  | 'bad_ocsp_response';

const ALERTS: Record<CertificateErrorReason, AlertDescriptionName> = {
  cert_expired: 'certificate_expired',
  cert_not_yet_valid: 'certificate_expired',
  unknown_ca: 'unknown_ca',
  // RFC 8446 §6.2: a chain that cannot be matched with a known trust anchor is unknown_ca; OpenSSL
  // sends the same for an untrusted self-signed certificate.
  selfsigned_peer: 'unknown_ca',
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
  duplicate_extension: 'bad_certificate',
  invalid_extension: 'bad_certificate',
  invalid_serial_number: 'bad_certificate',
  invalid_key_identifier: 'bad_certificate',
  unsupported_certificate_version: 'unsupported_certificate',
  ca_certificate_as_leaf: 'unsupported_certificate',
  weak_key: 'bad_certificate',
  invalid_common_name: 'bad_certificate',
  invalid_name_constraints: 'bad_certificate',
  name_constraints_too_complex: 'bad_certificate',
  // RFC 6066 §8: a status response that is not satisfactory aborts with bad_certificate_status_response.
  bad_ocsp_response: 'bad_certificate_status_response',
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

/**
 * A PKCS#12 file or encrypted key protected with an algorithm this runtime cannot decrypt (RC4,
 * or Triple-DES where there is no node:crypto): `algorithm` names it, the message says how to
 * export the file again with AES.
 */
export class Pkcs12AlgorithmError extends PemError {
  constructor(
    readonly algorithm: string,
    reason: string,
  ) {
    super(
      `${algorithm} ${reason}: export the file again with AES, e.g. \`openssl pkcs12 -in old.p12 -nodes | openssl pkcs12 -export -certpbe AES-256-CBC -keypbe AES-256-CBC -out new.p12\``,
    );
  }
}

/**
 * A legacy encrypted PEM key (RFC 1421 `Proc-Type: 4,ENCRYPTED`) whose `DEK-Info` cipher this
 * runtime cannot decrypt: an unknown cipher, or `DES-EDE3-CBC` where there is no Triple-DES (a
 * browser: Web Crypto has none). `algorithm` is the DEK-Info cipher name; the message says how to
 * convert the key to PKCS#8 with AES (RFC 5958 EncryptedPrivateKeyInfo, PBES2 from RFC 8018).
 */
export class LegacyPemCipherError extends PemError {
  constructor(
    readonly algorithm: string,
    what: string,
    reason: string,
  ) {
    super(
      `${what} with ${algorithm}, which ${reason}; convert it: ` +
        'openssl pkcs8 -topk8 -v2 aes-256-cbc -in key.pem -out key-pkcs8.pem',
    );
  }
}
