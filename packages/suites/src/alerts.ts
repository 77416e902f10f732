/**
 * TLS alerts (RFC 8446 §6, RFC 5246 §7.2) and the typed error that carries one.
 * @module
 */

/** Alert descriptions by IANA name, with their codes. */
export const AlertDescription = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  decryption_failed: 21,
  record_overflow: 22,
  decompression_failure: 30,
  handshake_failure: 40,
  no_certificate: 41,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  export_restriction: 60,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  inappropriate_fallback: 86,
  user_canceled: 90,
  no_renegotiation: 100,
  missing_extension: 109,
  unsupported_extension: 110,
  certificate_unobtainable: 111,
  unrecognized_name: 112,
  bad_certificate_status_response: 113,
  bad_certificate_hash_value: 114,
  unknown_psk_identity: 115,
  certificate_required: 116,
  no_application_protocol: 120,
} as const;

/** An alert description name such as `'handshake_failure'`. */
export type AlertDescriptionName = keyof typeof AlertDescription;

const namesByCode = new Map<number, AlertDescriptionName>(
  (Object.entries(AlertDescription) as [AlertDescriptionName, number][]).map(([name, code]) => [code, name]),
);

/** The name for an alert code, or `unknown_alert_<code>` for codes outside the registry. */
export function alertName(code: number): string {
  return namesByCode.get(code) ?? `unknown_alert_${code}`;
}

/** The code for an alert name. */
export function alertCode(name: AlertDescriptionName): number {
  return AlertDescription[name];
}

/** Alert levels (RFC 5246 §7.2). In TLS 1.3 every alert but close_notify and user_canceled is fatal. */
export const AlertLevel = { warning: 1, fatal: 2 } as const;
export type AlertLevelName = keyof typeof AlertLevel;

/**
 * A TLS alert as an error value: what we send when we detect a problem (`sentByUs`) or what the
 * peer sent us. `cause` keeps the underlying error (a DecodeError, a CertificateError, ...).
 */
export class TlsAlert extends Error {
  override readonly name = 'TlsAlert';
  readonly description: AlertDescriptionName | `unknown_alert_${number}`;
  readonly code: number;
  readonly level: AlertLevelName;
  /** True when this alert was raised locally (and sent to the peer); false when received. */
  readonly sentByUs: boolean;

  constructor(
    description: AlertDescriptionName | number,
    message?: string,
    options?: { level?: AlertLevelName; cause?: unknown; sentByUs?: boolean },
  ) {
    const code = typeof description === 'number' ? description : AlertDescription[description];
    const name = alertName(code) as TlsAlert['description'];
    const sentByUs = options?.sentByUs ?? true;
    super(
      message === undefined ? `${sentByUs ? '' : 'peer sent '}${name}` : `${name}: ${message}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.description = name;
    this.code = code;
    this.level = options?.level ?? (code === 0 || code === 90 || code === 100 ? 'warning' : 'fatal');
    this.sentByUs = sentByUs;
  }
}
