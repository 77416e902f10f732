/**
 * Raised by the {@link Reader} for any malformed or truncated input. The engine maps it to the
 * `decode_error` alert (RFC 8446 §6.2).
 */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
  /** Byte offset in the reader's input where decoding failed. */
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`${message} (at byte ${offset})`);
    this.offset = offset;
  }
}
