import type { MaybePromise } from '@sslsocket/suites';

/** What {@link RecordProtection.open} recovers: the real content type and the plaintext window. */
export interface OpenedRecord {
  readonly contentType: number;
  /** Offset of the plaintext in the buffer that was opened in place. */
  readonly offset: number;
  readonly length: number;
  /**
   * TLS 1.3 only: the content plus its zero padding (the TLSInnerPlaintext without the type byte).
   * RFC 8446 §5.4 and RFC 8449 §4 apply the size limits to the padded plaintext, so readers check
   * this, not `length`, when it is present.
   */
  readonly paddedLength?: number;
  /**
   * Set when the plaintext was not left in the opened buffer but in a fresh array the reader's
   * caller may keep (see AeadKey.openDetached); `offset` then counts from its start.
   */
  readonly detached?: Uint8Array | undefined;
}

/**
 * One direction's record protection for one epoch: null (plaintext), TLS 1.3 AEAD, TLS 1.2 AEAD or
 * TLS 1.2 CBC. Protections own their sequence number; it never wraps (RFC 8446 §5.3, RFC 5246 §6.1).
 */
export interface RecordProtection {
  /** True once keys are in use (content is encrypted). */
  readonly encrypted: boolean;
  /** Bytes between the header and the plaintext (the explicit nonce or IV). */
  readonly prefixLength: number;
  /** The most bytes sealing can add after `length` plaintext bytes (type byte, padding, MAC, tag). */
  maxSuffixLength(length: number): number;
  /** Records protected so far in this epoch. */
  readonly sequence: number;
  /** True once the epoch nears its safe limit and should be rekeyed (RFC 8446 §5.5). */
  readonly nearLimit: boolean;
  /** Largest accepted record fragment (ciphertext) length. */
  readonly maxCiphertextLength: number;
  /**
   * Seals the plaintext already placed at `out[at + 5 + prefixLength, … + length)`, writing the header
   * at `out[at]`. Returns the total record length (header included).
   */
  seal(contentType: number, out: Uint8Array, at: number, length: number): MaybePromise<number>;
  /**
   * Optional: seals `data` straight from where it lies into `out` at `at` (header included), saving
   * the copy into the output buffer when the AEAD can encrypt from one buffer into another.
   */
  sealFrom?(contentType: number, data: Uint8Array, out: Uint8Array, at: number): MaybePromise<number> | undefined;
  /**
   * True when `open()` returns synchronously and never writes into the buffer it is given (a
   * plaintext epoch, or an AEAD that decrypts into a fresh array): the reader may then open records
   * in the caller's chunk without copying them into its own buffer (RecordReader.lend).
   */
  readonly opensLent?: boolean;
  /**
   * True when `open()` leaves `buffer` as it was and is done reading it when it returns, even when it
   * returns a Promise (AeadKey.openDetached): a reader may then open records ahead of their turn
   * straight from its buffer, with no copy of their own.
   */
  readonly opensDetached?: boolean;
  /** Opens `buffer[offset, offset + length)` in place; throws TlsAlert on any failure. */
  open(
    contentType: number,
    version: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
  ): MaybePromise<OpenedRecord>;
}

/** Writes the 5-byte record header. */
export function writeHeader(out: Uint8Array, at: number, contentType: number, version: number, length: number): void {
  out[at] = contentType;
  out[at + 1] = version >>> 8;
  out[at + 2] = version & 0xff;
  out[at + 3] = length >>> 8;
  out[at + 4] = length & 0xff;
}

/** Writes a sequence number as 8 big-endian bytes (it stays below 2^53, see SequenceCounter). */
export function writeSequence(out: Uint8Array, at: number, sequence: number): void {
  const high = Math.floor(sequence / 0x100000000);
  const low = sequence >>> 0;
  out[at] = 0;
  out[at + 1] = (high >>> 16) & 0xff;
  out[at + 2] = (high >>> 8) & 0xff;
  out[at + 3] = high & 0xff;
  out[at + 4] = low >>> 24;
  out[at + 5] = (low >>> 16) & 0xff;
  out[at + 6] = (low >>> 8) & 0xff;
  out[at + 7] = low & 0xff;
}

/** Raised when an epoch would reuse a sequence number: the connection must rekey or close first. */
export class SequenceExhaustedError extends Error {
  override readonly name = 'SequenceExhaustedError';
  constructor() {
    super('record sequence number exhausted: rekey (KeyUpdate) or close the connection');
  }
}

/**
 * A per-epoch record counter. TLS allows 2^64 records; we stop at 2^48, far beyond every AEAD's safe
 * limit, so counters stay exact in a JavaScript number and can never wrap.
 */
export class SequenceCounter {
  static readonly MAX = 2 ** 48;
  private next = 0;

  constructor(
    /** Records after which the epoch reports `nearLimit` (RFC 8446 §5.5 AEAD limits). */
    private readonly rekeyAt: number = SequenceCounter.MAX,
  ) {}

  get value(): number {
    return this.next;
  }

  get nearLimit(): boolean {
    return this.next >= this.rekeyAt;
  }

  /** Returns the current number and advances; throws once exhausted. */
  take(): number {
    if (this.next >= SequenceCounter.MAX) throw new SequenceExhaustedError();
    return this.next++;
  }

  /** Test hook: jump close to exhaustion. */
  skipTo(value: number): void {
    this.next = value;
  }
}
