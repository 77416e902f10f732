import { isPromiseLike, type MaybePromise, TlsAlert } from '@sslsocket/suites';
import { isKnownContentType, MAX_PLAINTEXT, RECORD_HEADER_LENGTH } from './content-type.js';
import { NullProtection } from './protection/null-protection.js';
import type { OpenedRecord, RecordProtection } from './protection/record-protection.js';

/** A record after deframing and unprotection. `fragment` is a view valid until the next `feed()`. */
export interface InboundRecord {
  readonly contentType: number;
  /** The legacy record version from the header. */
  readonly version: number;
  readonly fragment: Uint8Array;
  /** True when the record was protected by the current epoch's keys (false for plaintext records). */
  readonly protected: boolean;
}

/** Options for {@link RecordReader}. */
export interface RecordReaderOptions {
  /**
   * Largest plaintext we accept (our record_size_limit minus the TLS 1.3 content type byte, or the
   * max_fragment_length we asked for). Default 2^14.
   */
  readonly maxPlaintext?: number;
  /** Initial buffer capacity. */
  readonly initialCapacity?: number;
}

/**
 * Deframes and unprotects records from bytes that arrive in any chunking (RFC 8446 §5.1-5.2,
 * RFC 5246 §6.2). Sans-IO: `feed()` bytes as they come, then call `next()` until it returns null.
 *
 * @example
 * reader.feed(chunk);
 * for (let r = reader.next(); r !== null; r = reader.next()) handle(r); // with a sync provider
 */
export class RecordReader {
  private buffer: Uint8Array;
  private start = 0;
  private end = 0;
  private protection: RecordProtection = new NullProtection();
  private pending = false;
  /** Unprotected ChangeCipherSpec records pass through in TLS 1.3 (RFC 8446 §5); the engine checks them. */
  allowPlaintextChangeCipherSpec = false;
  maxPlaintext: number;

  constructor(options: RecordReaderOptions = {}) {
    // Small to start: idle connections stay cheap, and a bulk stream grows it once to a record pair.
    this.buffer = new Uint8Array(options.initialCapacity ?? 2048);
    this.maxPlaintext = options.maxPlaintext ?? MAX_PLAINTEXT;
  }

  /** Bytes received but not yet returned as records. */
  get buffered(): number {
    return this.end - this.start;
  }

  /** The current read epoch. */
  get currentProtection(): RecordProtection {
    return this.protection;
  }

  /** Switches to a new read epoch (after ChangeCipherSpec in 1.2, or a key change in 1.3). */
  setProtection(protection: RecordProtection): void {
    this.protection = protection;
  }

  /** Appends received bytes; compacts or grows the buffer as needed. */
  feed(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.end + bytes.length > this.buffer.length) {
      const live = this.end - this.start;
      if (live + bytes.length <= this.buffer.length && !this.pending) {
        this.buffer.copyWithin(0, this.start, this.end);
      } else {
        let capacity = this.buffer.length;
        while (capacity < live + bytes.length) capacity *= 2;
        const grown = new Uint8Array(capacity);
        grown.set(this.buffer.subarray(this.start, this.end));
        this.buffer = grown;
      }
      this.start = 0;
      this.end = live;
    }
    this.buffer.set(bytes, this.end);
    this.end += bytes.length;
  }

  /**
   * The next complete record, or null when more bytes are needed. Throws (or rejects with) a
   * TlsAlert for malformed, oversized or unauthentic records.
   */
  next(): MaybePromise<InboundRecord | null> {
    if (this.pending) throw new Error('RecordReader.next() called while a record is still being opened');
    const available = this.end - this.start;
    if (available < RECORD_HEADER_LENGTH) return null;
    const b = this.buffer;
    const at = this.start;
    const contentType = b[at] as number;
    const version = ((b[at + 1] as number) << 8) | (b[at + 2] as number);
    const length = ((b[at + 3] as number) << 8) | (b[at + 4] as number);
    if (!isKnownContentType(contentType)) {
      throw new TlsAlert('unexpected_message', `unknown record content type ${contentType}`);
    }
    // Every TLS version shares major version 3; anything else is not TLS at all (e.g. plain HTTP).
    if (b[at + 1] !== 3) throw new TlsAlert('protocol_version', `record version 0x${version.toString(16)} is not TLS`);
    const plaintextEpoch = !this.protection.encrypted || (contentType === 20 && this.allowPlaintextChangeCipherSpec);
    const limit = plaintextEpoch ? this.maxPlaintext : this.protection.maxCiphertextLength;
    if (length > limit) throw new TlsAlert('record_overflow', `record of ${length} bytes exceeds ${limit}`);
    if (available < RECORD_HEADER_LENGTH + length) return null;
    this.start += RECORD_HEADER_LENGTH + length;
    const bodyAt = at + RECORD_HEADER_LENGTH;
    if (plaintextEpoch && this.protection.encrypted) {
      return { contentType, version, fragment: b.subarray(bodyAt, bodyAt + length), protected: false };
    }
    const opened = this.protection.open(contentType, version, b, bodyAt, length);
    if (isPromiseLike(opened)) {
      this.pending = true;
      return opened.then(
        (record) => {
          this.pending = false;
          return this.toInbound(record, version, b);
        },
        (error: unknown) => {
          this.pending = false;
          throw error;
        },
      );
    }
    return this.toInbound(opened, version, b);
  }

  private toInbound(record: OpenedRecord, version: number, buffer: Uint8Array): InboundRecord {
    if (record.length > this.maxPlaintext) {
      throw new TlsAlert('record_overflow', `plaintext of ${record.length} bytes exceeds ${this.maxPlaintext}`);
    }
    return {
      contentType: record.contentType,
      version,
      fragment: buffer.subarray(record.offset, record.offset + record.length),
      protected: this.protection.encrypted,
    };
  }
}
