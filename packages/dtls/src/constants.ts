/**
 * DTLS wire constants (RFC 6347 §4.1, §4.2.2, §4.3.2).
 * @module
 */

/** RFC 6347 §4.1: DTLS 1.2 is {254, 253}, the 1's complement of 1.2. */
export const DTLS12 = 0xfefd;
/** RFC 6347 §4.1: DTLS 1.0 ({254, 255}), the version of a HelloVerifyRequest and early ClientHellos. */
export const DTLS10 = 0xfeff;

/** RFC 6347 §4.3.1: the record header is 13 bytes (type, version, epoch, sequence_number, length). */
export const RECORD_HEADER_LENGTH = 13;
/** RFC 6347 §4.2.2: the handshake header is 12 bytes (TLS's 4 plus message_seq and the fragment). */
export const HANDSHAKE_HEADER_LENGTH = 12;
/** RFC 6347 §4.1: the sequence number is 48 bits; it must not wrap. */
export const MAX_SEQUENCE = 2 ** 48 - 1;
/** RFC 6347 §4.3.2: HelloVerifyRequest handshake type. */
export const HELLO_VERIFY_REQUEST = 3;
