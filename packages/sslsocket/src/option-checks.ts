/** A check returns why a value is wrong, or undefined when it is fine. */
export type Check = (value: unknown) => string | undefined;

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
export const utf8Length = (text: string) => new TextEncoder().encode(text).length;
export const describe = (value: unknown) =>
  value instanceof Uint8Array ? 'Uint8Array' : Array.isArray(value) ? 'array' : (JSON.stringify(value) ?? typeof value);

export const bool: Check = (v) => (typeof v === 'boolean' ? undefined : `must be true or false, got ${describe(v)}`);
export const fn: Check = (v) => (typeof v === 'function' ? undefined : `must be a function, got ${describe(v)}`);
export const path: Check = (v) => (typeof v === 'string' && v.length > 0 ? undefined : 'must be a non-empty file path');
export const text: Check = (v) => (typeof v === 'string' ? undefined : `must be a string, got ${describe(v)}`);
/**
 * A string given where PEM text is expected that is a file name instead (`'ca.pem'`,
 * `'./certs/server.crt'`): no PEM armour, one short line, a path separator or a certificate or key
 * file extension.
 */
export function looksLikePath(value: unknown): value is string {
  if (typeof value !== 'string' || value.includes('-----BEGIN') || /[\r\n]/.test(value) || value.length > 4096)
    return false;
  return /[\\/]/.test(value) || /\.(pem|crt|cer|der|key|p12|pfx|p7b|txt)$/i.test(value.trim());
}

/** The problem with a path string in a data option, pointing to the matching file option. */
export const pathInsteadOfData = (value: string, fileOption: string): string =>
  `${JSON.stringify(value)} looks like a file path, not PEM text or DER bytes: use ${fileOption} for files`;

export const bytesOrText: Check = (v) =>
  typeof v === 'string' || v instanceof Uint8Array ? undefined : 'must be a string or a Uint8Array';
export const oneOf =
  (...allowed: readonly unknown[]): Check =>
  (v) =>
    allowed.includes(v) ? undefined : `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`;
export const integer =
  (min: number, max: number = Number.MAX_SAFE_INTEGER): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
      ? undefined
      : `must be an integer from ${min} to ${max}, got ${describe(v)}`;
export const listOf =
  (item: Check, what: string): Check =>
  (v) => {
    if (!Array.isArray(v) || v.length === 0) return `must be a non-empty list of ${what}`;
    for (const entry of v) {
      const problem = item(entry);
      if (problem !== undefined) return problem;
    }
    return undefined;
  };
export const refused =
  (why: string): Check =>
  () =>
    `not supported: ${why}`;

/** RFC 4279 §5.3 psk_identity: opaque <0..2^16-1>. */
export const pskIdentity =
  (min: number): Check =>
  (v) => {
    const length = typeof v === 'string' ? utf8Length(v) : v instanceof Uint8Array ? v.length : -1;
    return length >= min && length <= 65535 ? undefined : `must be a string or bytes of ${min} to 65535 bytes`;
  };
