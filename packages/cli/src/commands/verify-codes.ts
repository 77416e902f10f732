/**
 * Our certificate verdicts as OpenSSL's X509_V_ERR codes and texts, for the lines scripts grep in
 * `s_client` output: `Verify return code: 0 (ok)`, `Verification error: ...`.
 * Codes and texts from OpenSSL 3's x509_vfy.h / x509_txt.c.
 */
const CODES: Readonly<Record<string, readonly [number, string]>> = {
  cert_expired: [10, 'certificate has expired'],
  cert_not_yet_valid: [9, 'certificate is not yet valid'],
  unknown_ca: [20, 'unable to get local issuer certificate'],
  selfsigned_peer: [18, 'self-signed certificate'],
  hostname_check_failed: [62, 'hostname mismatch'],
  invalid_signature: [7, 'certificate signature failure'],
  insecure_signature_algorithm: [68, 'CA signature digest algorithm too weak'],
  unsupported_signature_algorithm: [7, 'certificate signature failure'],
  name_not_permitted: [47, 'permitted subtree violation'],
  invalid_key_usage: [26, 'unsuitable certificate purpose'],
  invalid_ext_key_usage: [26, 'unsuitable certificate purpose'],
  max_path_length_reached: [25, 'path length constraint exceeded'],
  missing_basic_constraint: [24, 'invalid CA certificate'],
  unknown_critical_extension: [34, 'unhandled critical extension'],
  policy_error: [42, 'invalid or inconsistent certificate policy extension'],
  cert_revoked: [23, 'certificate revoked'],
  unable_to_get_crl: [3, 'unable to get certificate CRL'],
  crl_expired: [12, 'CRL has expired'],
  crl_not_yet_valid: [11, 'CRL is not yet valid'],
  crl_signature_failure: [8, 'CRL signature failure'],
  chain_too_long: [22, 'certificate chain too long'],
  user_rejected: [28, 'certificate rejected'],
  rpk_untrusted: [95, 'Raw public key untrusted, no trusted keys configured'],
};

/** A verification outcome as OpenSSL reports it. */
export interface VerifyCode {
  readonly code: number;
  readonly text: string;
}

/** `undefined` (verified) is `0 (ok)`; a reason we do not map is OpenSSL's "unspecified" error 1. */
export function verifyCode(reason: string | undefined): VerifyCode {
  if (reason === undefined) return { code: 0, text: 'ok' };
  const [code, text] = CODES[reason] ?? [1, `unspecified certificate verification error (${reason})`];
  return { code, text };
}
