import { isPromiseLike, type MaybePromise, notTls, TlsAlert } from '@sslsocket/suites';
import { isKnownContentType, MAX_PLAINTEXT, RECORD_HEADER_LENGTH } from './content-type.js';
import { NullProtection } from './protection/null-protection.js';
import type { OpenedRecord, RecordProtection } from './protection/record-protection.js';

/** The empty list every reader starts with; never pushed to (the push site replaces it first). */
const NONE: never[] = [];

const EMPTY = new Uint8Array(0);

/**
 * A record after deframing and unprotection. `fragment` is a view valid until the next `feed()`,
 * `lend()` or `keepUnread()`.
 */
export interface InboundRecord {
  readonly contentType: number;
  /** The legacy record version from the header. */
  readonly version: number;
  readonly fragment: Uint8Array;
  /** True when the record was protected by the current epoch's keys (false for plaintext records). */
  readonly protected: boolean;
  /**
   * True when `fragment` is not a view of the reader's buffer but an array of its own (the provider
   * decrypted into a fresh array): the caller may keep it without copying.
   */
  readonly detached?: boolean;
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
  /**
   * With an asynchronous provider (WebCrypto), how many records may be opened at once: when one
   * record's open is pending, up to `openWindow - 1` further complete application_data records
   * already buffered start opening too, and `next()` returns them in order. Default 16 (WebCrypto
   * on node 20 seals 16 KiB records at ~150 MB/s one at a time, ~1 GB/s sixteen at a time); 1 disables.
   */
  readonly openWindow?: number;
}

/** A record whose open started ahead of its turn (see {@link RecordReaderOptions.openWindow}). */
interface AheadRecord {
  /** Header plus body bytes, consumed from the buffer when the record's turn comes. */
  readonly size: number;
  readonly result: Promise<InboundRecord>;
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
  /** `buffer` is the caller's chunk, read where it lies (see {@link lend}): never written to. */
  private lent = false;
  /** The caller's bytes behind a record completed in our buffer, read in place once it is consumed. */
  private rest: Uint8Array | undefined;
  /**
   * Our buffer, kept while we read lent bytes after a record put together in it: the next record a
   * chunk boundary cuts goes there. Dropped whenever everything is consumed (idle connections keep none).
   */
  private spare: Uint8Array | undefined;
  private protection: RecordProtection = new NullProtection();
  private pending = false;
  /** Starts as the shared empty NONE: an array of its own on the first record opened ahead (#17). */
  private ahead: AheadRecord[] = NONE;
  private readonly openWindow: number;
  private readonly initialCapacity: number;
  /** Unprotected ChangeCipherSpec records pass through in TLS 1.3 (RFC 8446 §5); the engine checks them. */
  allowPlaintextChangeCipherSpec = false;
  /**
   * Unprotected 2-byte alert records pass through (TLS 1.3 handshake, until the peer's first
   * protected record): a peer that could not process our ServerHello has no keys to encrypt with.
   */
  allowPlaintextAlert = false;
  maxPlaintext: number;

  constructor(options: RecordReaderOptions = {}) {
    // No buffer until bytes come, and none kept once they are consumed: idle connections stay cheap,
    // and a bulk stream grows one to a record pair.
    this.initialCapacity = Math.max(16, options.initialCapacity ?? 2048);
    this.buffer = EMPTY;
    this.maxPlaintext = options.maxPlaintext ?? MAX_PLAINTEXT;
    this.openWindow = Math.max(1, options.openWindow ?? 16);
  }

  /** Bytes received but not yet returned as records. */
  get buffered(): number {
    return this.end - this.start + (this.rest?.length ?? 0);
  }

  /** The current read epoch. */
  get currentProtection(): RecordProtection {
    return this.protection;
  }

  /**
   * Switches to a new read epoch (after ChangeCipherSpec in 1.2, or a key change in 1.3). Records
   * opened ahead under the old epoch are dropped: their bytes are still buffered and are opened
   * again with the new keys (RFC 8446 §4.6.3: records after a KeyUpdate use the next generation).
   */
  setProtection(protection: RecordProtection): void {
    this.protection = protection;
    this.dropAhead();
  }

  private dropAhead(): void {
    if (this.ahead.length > 0) this.ahead = NONE;
  }

  /**
   * Removes and returns the bytes received but not yet returned as records (a copy). After the
   * peer's close_notify they are no longer TLS (RFC 8446 §6.1): a connection downgraded to plain
   * text hands them to the application.
   */
  takeUnread(): Uint8Array {
    const live = this.end - this.start;
    const rest = this.rest ?? EMPTY;
    const unread = new Uint8Array(live + rest.length);
    unread.set(this.buffer.subarray(this.start, this.end));
    unread.set(rest, live);
    this.dropAhead();
    this.release();
    return unread;
  }

  /** Appends received bytes (copied: the caller may reuse `bytes` as soon as this returns). */
  feed(bytes: Uint8Array): void {
    this.lend(bytes);
    this.keepUnread();
  }

  /**
   * Appends received bytes without copying the whole records they hold: with a protection that
   * leaves its input alone ({@link RecordProtection.opensLent}: plaintext, or a synchronous AEAD
   * that decrypts into a fresh array) records are opened where they lie in `bytes`, and only a
   * record cut by a chunk boundary is put together in the reader's own buffer. The caller must not
   * change `bytes` until it called {@link keepUnread}, which copies whatever is still unread.
   */
  lend(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.pending || this.ahead.length > 0 || this.rest !== undefined || this.protection.opensLent !== true) {
      // Earlier lent bytes go first, into our buffer, then these behind them.
      this.keepUnread();
      this.append(bytes);
      return;
    }
    const live = this.end - this.start;
    if (live === 0) {
      this.buffer = bytes;
      this.start = 0;
      this.end = bytes.length;
      this.lent = true;
      return;
    }
    // A record began in the previous chunk: complete it with the bytes it lacks and read the rest
    // of this chunk in place once it is consumed.
    const missing = this.recordSize() - live;
    if (missing > 0 && missing < bytes.length) {
      this.append(bytes.subarray(0, missing));
      this.rest = bytes.subarray(missing);
      return;
    }
    this.append(bytes);
  }

  /** Copies what is still unread of lent bytes (see {@link lend}) into the reader's own buffer. */
  keepUnread(): void {
    const rest = this.rest;
    if (!this.lent && rest === undefined) return;
    this.rest = undefined;
    if (this.lent) {
      const unread = this.buffer.subarray(this.start, this.end);
      if (unread.length === 0 && rest === undefined) {
        this.release();
        return;
      }
      // Room for the whole record the unread bytes begin, so the next chunk completes it in place.
      const own = this.ownBuffer(Math.max(unread.length, this.recordSize()));
      own.set(unread);
      this.buffer = own;
      this.lent = false;
      this.start = 0;
      this.end = unread.length;
    }
    if (rest !== undefined) this.append(rest);
  }

  /** A buffer of ours for at least `size` bytes: the spare one when it is big enough. */
  private ownBuffer(size: number): Uint8Array {
    const spare = this.spare;
    this.spare = undefined;
    if (spare !== undefined && spare.length >= size) return spare;
    return new Uint8Array(Math.max(size, this.initialCapacity));
  }

  /** Drops the buffer (everything consumed, or handed out): an idle connection holds none. */
  private release(): void {
    this.buffer = EMPTY;
    this.spare = undefined;
    this.lent = false;
    this.rest = undefined;
    this.start = 0;
    this.end = 0;
  }

  /**
   * Header plus body of the record at `start` when its header is buffered and its length is
   * plausible, else 0. Sizes a buffer for a record that arrives in pieces.
   */
  private recordSize(): number {
    if (this.end - this.start < RECORD_HEADER_LENGTH) return 0;
    const b = this.buffer;
    const length = ((b[this.start + 3] as number) << 8) | (b[this.start + 4] as number);
    const limit = Math.max(this.maxPlaintext, this.protection.maxCiphertextLength);
    return length > limit ? 0 : RECORD_HEADER_LENGTH + length;
  }

  /**
   * Copies `bytes` behind the unread ones in the reader's own buffer, compacting or growing it; a
   * new buffer has room for at least `reserve` bytes (the record being put together).
   */
  private append(bytes: Uint8Array, reserve = 0): void {
    if (bytes.length === 0) return;
    if (this.lent || this.end + bytes.length > this.buffer.length) {
      const live = this.end - this.start;
      // A record being opened in place still uses the bytes before `start`: grow into a new buffer
      // then. An out-of-place open (opensDetached) has read them already, so they may be moved.
      const movable = !this.pending || this.protection.opensDetached === true;
      if (!this.lent && live + bytes.length <= this.buffer.length && movable) {
        this.buffer.copyWithin(0, this.start, this.end);
      } else {
        // Room for the record being put together, so its pieces are copied once.
        const wanted = Math.max(live + bytes.length, reserve, this.recordSize());
        let capacity = Math.max(this.lent ? 0 : this.buffer.length, this.initialCapacity);
        while (capacity < wanted) capacity *= 2;
        // Lent bytes move into a buffer of exactly the record's size (see keepUnread).
        const grown = this.lent ? this.ownBuffer(wanted) : new Uint8Array(capacity);
        grown.set(this.buffer.subarray(this.start, this.end));
        this.buffer = grown;
        this.lent = false;
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
    const early = this.ahead.shift();
    if (early !== undefined) {
      this.start += early.size;
      this.openAhead();
      return early.result;
    }
    if (this.end === this.start && this.rest !== undefined) {
      // The record put together from two chunks is consumed: go on in the caller's chunk, and keep
      // our buffer for the next record a chunk boundary cuts.
      if (!this.lent) this.spare = this.buffer;
      this.buffer = this.rest;
      this.rest = undefined;
      this.lent = true;
      this.start = 0;
      this.end = this.buffer.length;
    }
    // A protection that writes into its input (or may finish later) never sees the caller's bytes.
    if ((this.lent || this.rest !== undefined) && this.protection.opensLent !== true) this.keepUnread();
    const available = this.end - this.start;
    if (available === 0 && !this.pending && this.ahead.length === 0) {
      // Everything is consumed: an idle connection holds no read buffer (records already returned
      // keep their own views of the old one). The next feed() allocates what it needs.
      this.release();
      return null;
    }
    if (available < RECORD_HEADER_LENGTH) return null;
    const b = this.buffer;
    const at = this.start;
    const contentType = b[at] as number;
    const version = ((b[at + 1] as number) << 8) | (b[at + 2] as number);
    const length = ((b[at + 3] as number) << 8) | (b[at + 4] as number);
    if (!isKnownContentType(contentType)) {
      // Plain HTTP to (or from) a TLS port gets a message that says so (OpenSSL's "http request").
      throw notTls(b, at) ?? new TlsAlert('unexpected_message', `unknown record content type ${contentType}`);
    }
    // Every TLS version shares major version 3; anything else is not TLS at all (e.g. plain HTTP).
    if (b[at + 1] !== 3) throw new TlsAlert('protocol_version', `record version 0x${version.toString(16)} is not TLS`);
    const plaintextEpoch =
      !this.protection.encrypted ||
      (contentType === 20 && this.allowPlaintextChangeCipherSpec) ||
      (contentType === 21 && length === 2 && this.allowPlaintextAlert);
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
      const result = opened.then(
        (record) => {
          this.pending = false;
          return this.toInbound(record, version, b, this.protection.encrypted);
        },
        (error: unknown) => {
          this.pending = false;
          throw error;
        },
      );
      this.openAhead();
      return result;
    }
    return this.toInbound(opened, version, b, this.protection.encrypted);
  }

  /**
   * Pipelining for asynchronous providers: starts opening the complete records that follow the one
   * in flight, each on its own copy (the buffer keeps the ciphertext, so a key change can drop them
   * and open the same bytes again), or straight from the buffer when the protection opens out of
   * place (RecordProtection.opensDetached). Only protected application_data records qualify: in TLS 1.3
   * every protected record says so outside (RFC 8446 §5.2), and a TLS 1.2 ChangeCipherSpec or
   * alert stops the run. Sequence numbers are taken in order, so results come back in order.
   */
  private openAhead(): void {
    const protection = this.protection;
    if (this.openWindow <= 1 || !protection.encrypted) return;
    let at = this.start;
    for (const entry of this.ahead) at += entry.size;
    while (this.ahead.length + 1 < this.openWindow) {
      if (this.end - at < RECORD_HEADER_LENGTH) return;
      const b = this.buffer;
      const length = ((b[at + 3] as number) << 8) | (b[at + 4] as number);
      if (b[at] !== 23 || b[at + 1] !== 3 || length > protection.maxCiphertextLength) return;
      const size = RECORD_HEADER_LENGTH + length;
      if (this.end - at < size) return;
      const version = ((b[at + 1] as number) << 8) | (b[at + 2] as number);
      // An out-of-place open reads the buffer and leaves it as it was: no copy needed.
      const inPlace = protection.opensDetached !== true;
      const source = inPlace ? b.slice(at + RECORD_HEADER_LENGTH, at + size) : b;
      let opened: MaybePromise<OpenedRecord>;
      try {
        opened = protection.open(23, version, source, inPlace ? 0 : at + RECORD_HEADER_LENGTH, length);
      } catch {
        // Not opened ahead: next() opens it in its turn and reports the failure then.
        return;
      }
      const result = Promise.resolve(opened).then((record) => this.toInbound(record, version, source, true));
      // Observed by next() when the record's turn comes; never an unhandled rejection before that.
      result.catch(() => undefined);
      if (this.ahead === NONE) this.ahead = [{ size, result }];
      else this.ahead.push({ size, result });
      at += size;
    }
  }

  private toInbound(record: OpenedRecord, version: number, buffer: Uint8Array, isProtected: boolean): InboundRecord {
    // TLS 1.3 counts the zero padding too (RFC 8446 §5.4, RFC 8449 §4: the limit covers the full
    // inner plaintext; maxPlaintext is that limit minus the type byte).
    const size = record.paddedLength ?? record.length;
    if (size > this.maxPlaintext) {
      const what = size === record.length ? 'plaintext' : 'padded plaintext';
      throw new TlsAlert('record_overflow', `${what} of ${size} bytes exceeds ${this.maxPlaintext}`);
    }
    const source = record.detached ?? buffer;
    return {
      contentType: record.contentType,
      version,
      fragment: source.subarray(record.offset, record.offset + record.length),
      protected: isProtected,
      detached: record.detached !== undefined,
    };
  }
}
