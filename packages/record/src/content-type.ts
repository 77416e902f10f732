/** TLS record content types (RFC 8446 §5.1, RFC 5246 §6.2.1). */
export const ContentType = {
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
} as const;

export type ContentTypeCode = (typeof ContentType)[keyof typeof ContentType];

/** True for the four content types TLS 1.2 and 1.3 define. */
export function isKnownContentType(type: number): type is ContentTypeCode {
  return type >= 20 && type <= 23;
}

/** The record header is type (1) + legacy version (2) + length (2). */
export const RECORD_HEADER_LENGTH = 5;

/** RFC 8446 §5.1 / RFC 5246 §6.2.1: at most 2^14 bytes of plaintext per record. */
export const MAX_PLAINTEXT = 16384;

/** RFC 8446 §5.2: a TLS 1.3 ciphertext may exceed the plaintext limit by at most 256 bytes. */
export const MAX_TLS13_EXPANSION = 256;

/** RFC 5246 §6.2.3: a TLS 1.2 ciphertext may exceed the plaintext limit by at most 2048 bytes. */
export const MAX_TLS12_EXPANSION = 2048;
