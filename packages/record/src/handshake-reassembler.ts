import { TlsAlert } from '@sslsocket/suites';

const EMPTY = new Uint8Array(0);

/**
 * The largest bodies the hello structures can have, whatever the configured limit: a ClientHello
 * is version 2 + random 32 + session_id <0..32> + cipher_suites <2..2^16-2> + compression
 * <1..2^8-1> + extensions <8..2^16-1> = 131,396 bytes; a ServerHello (or HelloRetryRequest)
 * 2 + 32 + 33 + 2 + 1 + 2 + 65,535 = 65,607 (RFC 8446 §4.1.2-§4.1.3, RFC 5246 §7.4.1.2-§7.4.1.3).
 * A header announcing more is refused at once (OpenSSL uses the same ClientHello bound).
 */
const STRUCTURAL_MAX: ReadonlyMap<number, number> = new Map([
  [1, 131_396],
  [2, 65_607],
]);

/** A complete handshake message: its type, body, and the full encoding (header included) for the transcript. */
export interface HandshakeMessageBytes {
  readonly type: number;
  readonly body: Uint8Array;
  /** type (1) + length (3) + body: exactly what the transcript hash covers. */
  readonly raw: Uint8Array;
}

/**
 * Joins handshake fragments into whole messages: several messages may share a record and one
 * message may span records (RFC 8446 §5.1, RFC 5246 §6.2.1). Messages are copied out, so they stay
 * valid after the record buffer moves on.
 */
export class HandshakeReassembler {
  private pending = EMPTY;
  private pendingLength = 0;

  constructor(
    /** Largest handshake message accepted (Erlang `max_handshake_size`; default 256 KiB). */
    public maxMessageSize = 256 * 1024,
  ) {}

  /** True when part of a message is buffered. Keys must not change then (RFC 8446 §5.1). */
  get hasPartialMessage(): boolean {
    return this.pendingLength > 0;
  }

  /** Adds a handshake record's plaintext. Zero-length handshake fragments are not allowed. */
  push(fragment: Uint8Array): void {
    if (fragment.length === 0) throw new TlsAlert('unexpected_message', 'empty handshake record');
    const needed = this.pendingLength + fragment.length;
    if (needed > this.pending.length) this.reserve(Math.max(needed, this.pending.length * 2, 1024));
    this.pending.set(fragment, this.pendingLength);
    this.pendingLength = needed;
  }

  private reserve(size: number): void {
    const grown = new Uint8Array(size);
    grown.set(this.pending.subarray(0, this.pendingLength));
    this.pending = grown;
  }

  /** The next complete message, or null when more fragments are needed. */
  next(): HandshakeMessageBytes | null {
    if (this.pendingLength < 4) return null;
    const p = this.pending;
    const length = ((p[1] as number) << 16) | ((p[2] as number) << 8) | (p[3] as number);
    const limit = Math.min(this.maxMessageSize, STRUCTURAL_MAX.get(p[0] as number) ?? Number.POSITIVE_INFINITY);
    if (length > limit) {
      // Refused from the 4-byte header, before any of the body is buffered. record_overflow names
      // records only (RFC 8446 §6.2); the field at fault is the message's length, so
      // illegal_parameter, which is also what OpenSSL sends ("excessive message size").
      throw new TlsAlert('illegal_parameter', `handshake message of ${length} bytes exceeds ${limit}`);
    }
    if (this.pendingLength < 4 + length) {
      // Room for exactly this message: no doubling past what the header announced.
      if (this.pending.length < 4 + length) this.reserve(4 + length);
      return null;
    }
    const raw = p.slice(0, 4 + length);
    p.copyWithin(0, 4 + length, this.pendingLength);
    this.pendingLength -= 4 + length;
    // Handshake messages are rare after the handshake: an idle connection keeps no buffer.
    if (this.pendingLength === 0) this.pending = EMPTY;
    return { type: raw[0] as number, body: raw.subarray(4), raw };
  }

  /** Throws unexpected_message if a message is incomplete at a key change (RFC 8446 §5.1). */
  assertNoPartialMessage(): void {
    if (this.hasPartialMessage) throw new TlsAlert('unexpected_message', 'handshake message spans a key change');
  }
}
