import { TlsAlert } from '@sslsocket/suites';
import { MAX_PLAINTEXT } from '../content-type.js';
import { type OpenedRecord, type RecordProtection, SequenceCounter, writeHeader } from './record-protection.js';

/** The initial epoch: records travel in plaintext (RFC 8446 §5.1, RFC 5246 §6.1 TLS_NULL_WITH_NULL_NULL). */
export class NullProtection implements RecordProtection {
  readonly encrypted = false;
  readonly prefixLength = 0;
  readonly nearLimit = false;
  readonly maxCiphertextLength = MAX_PLAINTEXT;
  /** Plaintext records are returned as views: nothing is written into the buffer. */
  readonly opensLent = true;
  private readonly counter = new SequenceCounter();

  /** `version` is the legacy record version to write (0x0301 for a first ClientHello is common). */
  constructor(public version = 0x0303) {}

  get sequence(): number {
    return this.counter.value;
  }

  maxSuffixLength(): number {
    return 0;
  }

  seal(contentType: number, out: Uint8Array, at: number, length: number): number {
    this.counter.take();
    writeHeader(out, at, contentType, this.version, length);
    return 5 + length;
  }

  open(contentType: number, _version: number, _buffer: Uint8Array, offset: number, length: number): OpenedRecord {
    this.counter.take();
    // RFC 8446 §5.1: zero-length fragments are allowed only for application data.
    if (length === 0 && contentType !== 23) throw new TlsAlert('unexpected_message', 'empty plaintext record');
    return { contentType, offset, length };
  }
}
