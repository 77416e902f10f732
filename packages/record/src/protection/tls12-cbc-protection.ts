import {
  type CbcAlgorithm,
  type CbcKey,
  type CryptoProvider,
  type HashAlgorithm,
  isPromiseLike,
  type MacKey,
  type MaybePromise,
  TlsAlert,
} from '@sslsocket/suites';
import { MAX_PLAINTEXT, MAX_TLS12_EXPANSION } from '../content-type.js';
import { type OpenedRecord, type RecordProtection, SequenceCounter, writeHeader } from './record-protection.js';

const BLOCK = 16;

/** Options for {@link Tls12CbcProtection}. */
export interface Tls12CbcOptions {
  /** RFC 7366 encrypt-then-MAC, when both sides negotiated it. */
  readonly encryptThenMac?: boolean;
  /** The negotiated version for headers and the MAC input (default TLS 1.2). */
  readonly version?: number;
  /** Where explicit IVs come from (default the provider's randomBytes); injectable for replays. */
  readonly random?: (length: number) => Uint8Array;
}

/**
 * TLS 1.2 CBC record protection with HMAC (RFC 5246 §6.2.3.2): MAC-then-encrypt by default, with a
 * padding and MAC check whose running time does not depend on the padding length (the Lucky Thirteen
 * defence: the MAC always costs as many hash blocks as the longest possible record), or
 * encrypt-then-MAC (RFC 7366), where the MAC is checked before anything is decrypted.
 */
export class Tls12CbcProtection implements RecordProtection {
  readonly encrypted = true;
  readonly prefixLength = BLOCK;
  readonly maxCiphertextLength = MAX_PLAINTEXT + MAX_TLS12_EXPANSION;
  private readonly counter = new SequenceCounter(2 ** 40);
  private readonly pseudoHeader = new Uint8Array(13);
  private readonly macLength: number;
  private readonly hashBlock: number;
  private readonly encryptThenMac: boolean;
  private readonly version: number;
  private readonly random: (length: number) => Uint8Array;

  constructor(
    private readonly provider: CryptoProvider,
    private readonly cipher: CbcKey,
    private readonly mac: MacKey,
    options: Tls12CbcOptions = {},
  ) {
    this.macLength = mac.outputLength;
    this.hashBlock = mac.hash === 'SHA-384' || mac.hash === 'SHA-512' ? 128 : 64;
    this.encryptThenMac = options.encryptThenMac ?? false;
    this.version = options.version ?? 0x0303;
    this.random = options.random ?? ((n) => provider.randomBytes(n));
  }

  static create(
    provider: CryptoProvider,
    algorithm: CbcAlgorithm,
    key: Uint8Array,
    macHash: HashAlgorithm,
    macKey: Uint8Array,
    options?: Tls12CbcOptions,
  ): Tls12CbcProtection {
    return new Tls12CbcProtection(provider, provider.cbc(algorithm, key), provider.macKey(macHash, macKey), options);
  }

  get sequence(): number {
    return this.counter.value;
  }

  get nearLimit(): boolean {
    return this.counter.nearLimit;
  }

  maxSuffixLength(): number {
    return this.macLength + BLOCK;
  }

  /**
   * seq_num || type || version || length: the MAC's pseudo-header (RFC 5246 §6.2.3.1), with the
   * 64-bit seq_num given as two 32-bit halves (DTLS's epoch || sequence_number, RFC 6347 §4.1.2.1,
   * does not fit one JavaScript number).
   */
  private macHeader(high: number, low: number, contentType: number, length: number): Uint8Array {
    const h = this.pseudoHeader;
    h[0] = high >>> 24;
    h[1] = (high >>> 16) & 0xff;
    h[2] = (high >>> 8) & 0xff;
    h[3] = high & 0xff;
    h[4] = low >>> 24;
    h[5] = (low >>> 16) & 0xff;
    h[6] = (low >>> 8) & 0xff;
    h[7] = low & 0xff;
    writeHeader(h, 8, contentType, this.version, length);
    return h;
  }

  private computeMac(header: Uint8Array, data: Uint8Array): Uint8Array {
    this.mac.update(header);
    this.mac.update(data);
    return this.mac.digest();
  }

  seal(contentType: number, out: Uint8Array, at: number, length: number): MaybePromise<number> {
    const sequence = this.counter.take();
    return this.sealWithSequence(Math.floor(sequence / 0x100000000), sequence >>> 0, contentType, out, at, length);
  }

  /**
   * {@link seal} with the caller's 64-bit seq_num (`high` and `low` 32-bit halves) instead of this
   * protection's own counter: DTLS (RFC 6347 §4.1.2.1) MACs the record's epoch || sequence_number.
   * Writes a 5-byte TLS header at `at` (a DTLS caller overwrites it with its own) and returns the
   * record's length from `at`.
   */
  sealWithSequence(
    high: number,
    low: number,
    contentType: number,
    out: Uint8Array,
    at: number,
    length: number,
  ): MaybePromise<number> {
    const ivAt = at + 5;
    const bodyAt = ivAt + BLOCK;
    out.set(this.random(BLOCK), ivAt);
    const iv = out.slice(ivAt, bodyAt);
    let end = bodyAt + length;
    if (!this.encryptThenMac) {
      out.set(this.computeMac(this.macHeader(high, low, contentType, length), out.subarray(bodyAt, end)), end);
      end += this.macLength;
    }
    // RFC 5246 §6.2.3.2: padding_length + 1 bytes, each holding padding_length.
    const padding = BLOCK - 1 - ((end - bodyAt) % BLOCK);
    out.fill(padding, end, end + padding + 1);
    end += padding + 1;
    const encryptedLength = end - bodyAt;
    const finish = (): number => {
      let total = BLOCK + encryptedLength;
      if (this.encryptThenMac) {
        // RFC 7366 §3: MAC(seq || type || version || length(IV + ciphertext) || IV || ciphertext).
        out.set(this.computeMac(this.macHeader(high, low, contentType, total), out.subarray(ivAt, end)), end);
        total += this.macLength;
      }
      writeHeader(out, at, contentType, this.version, total);
      return 5 + total;
    };
    const result = this.cipher.encrypt(iv, out, bodyAt, encryptedLength);
    return isPromiseLike(result) ? result.then(finish) : finish();
  }

  open(
    contentType: number,
    _version: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
  ): MaybePromise<OpenedRecord> {
    if (length > this.maxCiphertextLength) throw new TlsAlert('record_overflow', `ciphertext of ${length} bytes`);
    const sequence = this.counter.take();
    return this.openWithSequence(
      Math.floor(sequence / 0x100000000),
      sequence >>> 0,
      contentType,
      buffer,
      offset,
      length,
    );
  }

  /**
   * {@link open} with the caller's 64-bit seq_num (see {@link sealWithSequence}); the same
   * constant-time padding and MAC checks. Throws `TlsAlert('bad_record_mac')` when the record does
   * not authenticate, `record_overflow` when it is too long.
   */
  openWithSequence(
    high: number,
    low: number,
    contentType: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
  ): MaybePromise<OpenedRecord> {
    if (length > this.maxCiphertextLength) throw new TlsAlert('record_overflow', `ciphertext of ${length} bytes`);
    const encryptedLength = length - BLOCK - (this.encryptThenMac ? this.macLength : 0);
    const minimum = this.encryptThenMac ? BLOCK : Math.ceil((this.macLength + 1) / BLOCK) * BLOCK;
    // RFC 5246 §6.2.3.2: a ciphertext that is not whole blocks, or too short, is bad_record_mac.
    if (encryptedLength < minimum || encryptedLength % BLOCK !== 0)
      throw new TlsAlert('bad_record_mac', 'malformed CBC record');
    const iv = buffer.slice(offset, offset + BLOCK);
    const bodyAt = offset + BLOCK;
    if (this.encryptThenMac) {
      const macAt = offset + length - this.macLength;
      const expected = this.computeMac(
        this.macHeader(high, low, contentType, length - this.macLength),
        buffer.subarray(offset, macAt),
      );
      if (!constantTimeEqual(expected, buffer, macAt)) throw new TlsAlert('bad_record_mac');
    }
    const finish = (): OpenedRecord =>
      this.encryptThenMac
        ? this.checkPaddingOnly(contentType, buffer, bodyAt, encryptedLength)
        : this.checkPaddingAndMac(high, low, contentType, buffer, bodyAt, encryptedLength);
    const result = this.cipher.decrypt(iv, buffer, bodyAt, encryptedLength);
    return isPromiseLike(result) ? result.then(finish) : finish();
  }

  private checkPaddingOnly(contentType: number, buffer: Uint8Array, at: number, length: number): OpenedRecord {
    const padding = buffer[at + length - 1] as number;
    let bad = padding + 1 > length ? 1 : 0;
    for (let i = 1; i <= padding && i <= length; i++) bad |= (buffer[at + length - i] as number) ^ padding;
    if (bad !== 0) throw new TlsAlert('bad_record_mac');
    return checkedPlaintext(contentType, at, length - padding - 1);
  }

  /**
   * MAC-then-encrypt check in constant time with respect to the padding: every padding byte position
   * that could exist is inspected with masks, and the MAC always runs over as many hash blocks as the
   * longest possible plaintext would need (extra blocks go into a throw-away hash).
   */
  private checkPaddingAndMac(
    high: number,
    low: number,
    contentType: number,
    buffer: Uint8Array,
    at: number,
    length: number,
  ): OpenedRecord {
    const macLength = this.macLength;
    const claimed = buffer[at + length - 1] as number;
    // good = 0xff when padding + 1 + macLength <= length, computed without branches.
    let good = ~((length - (claimed + 1 + macLength)) >> 31) & 0xff;
    const checked = Math.min(256, length);
    for (let i = 1; i <= checked; i++) {
      const inPadding = ~((claimed + 1 - i) >> 31) & 0xff; // 0xff when i <= claimed + 1
      good &= ~(inPadding & ((buffer[at + length - i] as number) ^ claimed)) & 0xff;
    }
    // Bad padding is treated as no padding, so the MAC is still computed (RFC 5246 §6.2.3.2 note).
    good = good === 0xff ? 0xff : 0;
    const padding = good === 0xff ? claimed : 0;
    const dataLength = length - padding - 1 - macLength;
    const maxDataLength = length - 1 - macLength;
    const expected = this.computeMac(
      this.macHeader(high, low, contentType, dataLength),
      buffer.subarray(at, at + dataLength),
    );
    this.absorbDummyBlocks(this.hashBlocks(maxDataLength) - this.hashBlocks(dataLength));
    const macOk = constantTimeEqual(expected, buffer, at + dataLength);
    if (!macOk || good !== 0xff) throw new TlsAlert('bad_record_mac');
    return checkedPlaintext(contentType, at, dataLength);
  }

  /** Compression-function calls of the inner HMAC hash over a record of `dataLength` bytes. */
  private hashBlocks(dataLength: number): number {
    const lengthField = this.hashBlock === 128 ? 17 : 9;
    return Math.ceil((this.hashBlock + 13 + dataLength + lengthField) / this.hashBlock);
  }

  private absorbDummyBlocks(blocks: number): void {
    // Always a whole dummy hash, even for zero blocks: creating and finishing a hash costs more than
    // a compression block, so skipping it when the padding was bad (no blocks owed) made bad padding
    // measurably faster than a bad MAC (test/stress/constant-time.stress.ts, Lucky Thirteen).
    const dummy = this.provider.hash(this.mac.hash);
    dummy.update(new Uint8Array(blocks * this.hashBlock));
    dummy.digest();
  }
}

function checkedPlaintext(contentType: number, offset: number, length: number): OpenedRecord {
  if (length > MAX_PLAINTEXT) throw new TlsAlert('record_overflow', `plaintext of ${length} bytes`);
  return { contentType, offset, length };
}

function constantTimeEqual(expected: Uint8Array, buffer: Uint8Array, at: number): boolean {
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= (expected[i] as number) ^ (buffer[at + i] as number);
  return diff === 0;
}
