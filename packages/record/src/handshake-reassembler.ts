import { TlsAlert } from '@sslsocket/suites';

const EMPTY = new Uint8Array(0);

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
    if (needed > this.pending.length) {
      const grown = new Uint8Array(Math.max(needed, this.pending.length * 2, 1024));
      grown.set(this.pending.subarray(0, this.pendingLength));
      this.pending = grown;
    }
    this.pending.set(fragment, this.pendingLength);
    this.pendingLength = needed;
  }

  /** The next complete message, or null when more fragments are needed. */
  next(): HandshakeMessageBytes | null {
    if (this.pendingLength < 4) return null;
    const p = this.pending;
    const length = ((p[1] as number) << 16) | ((p[2] as number) << 8) | (p[3] as number);
    if (length > this.maxMessageSize) {
      throw new TlsAlert('record_overflow', `handshake message of ${length} bytes exceeds ${this.maxMessageSize}`);
    }
    if (this.pendingLength < 4 + length) return null;
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
