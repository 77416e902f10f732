import {
  type AeadAlgorithm,
  type AeadKey,
  type CryptoProvider,
  isPromiseLike,
  type MaybePromise,
  TlsAlert,
} from '@sslsocket/suites';
import { MAX_PLAINTEXT, MAX_TLS13_EXPANSION } from '../content-type.js';
import {
  type OpenedRecord,
  type RecordProtection,
  SequenceCounter,
  writeHeader,
  writeSequence,
} from './record-protection.js';

/**
 * Chooses how many zero bytes of padding to add to a TLS 1.3 record (RFC 8446 §5.4), e.g. to hide
 * lengths. The total inner plaintext never exceeds the negotiated limit: excess padding is cut.
 */
export type PaddingPolicy = (contentType: number, length: number) => number;

/** Options for {@link Tls13Protection}. */
export interface Tls13ProtectionOptions {
  /** Padding for sealed records (default none). */
  readonly padding?: PaddingPolicy;
  /** Largest inner plaintext we send, content type byte included (record_size_limit, RFC 8449 §4). */
  readonly maxInnerPlaintext?: number;
  /** Records after which `nearLimit` turns true. Default: RFC 8446 §5.5 limits per AEAD. */
  readonly rekeyAfterRecords?: number;
}

/**
 * RFC 8446 §5.5: AES-GCM keys may protect at most 2^24.5 full records; ChaCha20-Poly1305 has no
 * practical limit. CCM follows the GCM figure (RFC 9147 §4.5.3 recommends 2^23 for CCM_8).
 */
function defaultRekeyLimit(algorithm: AeadAlgorithm): number {
  if (algorithm === 'CHACHA20-POLY1305') return 2 ** 40;
  if (algorithm.endsWith('CCM-8')) return 2 ** 23;
  return Math.floor(2 ** 24.5);
}

/** TLS 1.3 record protection for one direction and one epoch (RFC 8446 §5.2-§5.4). */
export class Tls13Protection implements RecordProtection {
  readonly encrypted = true;
  readonly prefixLength = 0;
  readonly maxCiphertextLength = MAX_PLAINTEXT + MAX_TLS13_EXPANSION;
  /** A synchronous detached open leaves the buffer alone (RecordProtection.opensLent). */
  readonly opensLent: boolean;
  private readonly counter: SequenceCounter;
  private readonly nonce = new Uint8Array(12);
  /**
   * The reused header (opening) and trailer (sealing) buffers, made on first use: a protection
   * works one direction, so it needs only one of them, and an idle connection keeps no other.
   */
  private aad: Uint8Array | undefined;
  private trailer: Uint8Array | undefined;
  private readonly padding: PaddingPolicy | undefined;
  private readonly maxInnerPlaintext: number;

  constructor(
    private readonly key: AeadKey,
    private readonly iv: Uint8Array,
    options: Tls13ProtectionOptions = {},
  ) {
    if (iv.length !== 12) throw new RangeError('TLS 1.3 IV must be 12 bytes');
    this.counter = new SequenceCounter(options.rekeyAfterRecords ?? defaultRekeyLimit(key.algorithm));
    this.padding = options.padding;
    this.maxInnerPlaintext = options.maxInnerPlaintext ?? MAX_PLAINTEXT + 1;
    this.opensLent = key.openDetached !== undefined && key.openDetachedSync === true;
  }

  /** Builds the protection from traffic key material. */
  static create(
    provider: CryptoProvider,
    algorithm: AeadAlgorithm,
    key: Uint8Array,
    iv: Uint8Array,
    options?: Tls13ProtectionOptions,
  ): Tls13Protection {
    return new Tls13Protection(provider.aead(algorithm, key), iv.slice(), options);
  }

  get sequence(): number {
    return this.counter.value;
  }

  get nearLimit(): boolean {
    return this.counter.nearLimit;
  }

  maxSuffixLength(length: number): number {
    return 1 + this.paddingFor(23, length) + this.key.tagLength;
  }

  private paddingFor(contentType: number, length: number): number {
    if (this.padding === undefined) return 0;
    const wanted = Math.max(0, Math.floor(this.padding(contentType, length)));
    return Math.min(wanted, Math.max(0, this.maxInnerPlaintext - length - 1));
  }

  /** RFC 8446 §5.3: the per-record nonce is the IV XOR the 64-bit sequence number, left-padded. */
  private nonceFor(sequence: number): Uint8Array {
    const nonce = this.nonce;
    writeSequence(nonce, 4, sequence);
    nonce[0] = this.iv[0] as number;
    nonce[1] = this.iv[1] as number;
    nonce[2] = this.iv[2] as number;
    nonce[3] = this.iv[3] as number;
    for (let i = 4; i < 12; i++) nonce[i] = (nonce[i] as number) ^ (this.iv[i] as number);
    return nonce;
  }

  seal(contentType: number, out: Uint8Array, at: number, length: number): MaybePromise<number> {
    const sequence = this.counter.take();
    const bodyAt = at + 5;
    // RFC 8446 §5.2: TLSInnerPlaintext = content || type || zeros.
    out[bodyAt + length] = contentType;
    const padding = this.paddingFor(contentType, length);
    out.fill(0, bodyAt + length + 1, bodyAt + length + 1 + padding);
    const inner = length + 1 + padding;
    const total = inner + this.key.tagLength;
    writeHeader(out, at, 23, 0x0303, total);
    // Nonce and AAD buffers are reused: the AeadKey contract says they are read before seal returns.
    const result = this.key.seal(this.nonceFor(sequence), out.subarray(at, bodyAt), out, bodyAt, inner);
    if (isPromiseLike(result)) return result.then(() => 5 + total);
    return 5 + total;
  }

  /**
   * Seals `data` from where it lies into `out` at `at` when the AEAD can encrypt from one buffer into
   * another (AeadKey.sealTo), saving the copy of the plaintext into the output buffer. The inner
   * content type and padding (RFC 8446 §5.2) are passed as the trailer.
   */
  sealFrom(contentType: number, data: Uint8Array, out: Uint8Array, at: number): MaybePromise<number> | undefined {
    const key = this.key;
    if (key.sealTo === undefined) return undefined;
    const sequence = this.counter.take();
    const padding = this.paddingFor(contentType, data.length);
    const trailer = padding === 0 ? this.trailerFor(contentType) : new Uint8Array(1 + padding);
    trailer[0] = contentType;
    const total = data.length + 1 + padding + key.tagLength;
    writeHeader(out, at, 23, 0x0303, total);
    const result = key.sealTo(this.nonceFor(sequence), out.subarray(at, at + 5), data, trailer, out, at + 5);
    if (isPromiseLike(result)) return result.then(() => 5 + total);
    return 5 + total;
  }

  /** The one-byte trailer (the inner content type), reused: sealTo reads it before returning. */
  private trailerFor(contentType: number): Uint8Array {
    this.trailer ??= new Uint8Array(1);
    const trailer = this.trailer;
    trailer[0] = contentType;
    return trailer;
  }

  /** The key opens out of place (AeadKey.openDetached), so open() leaves the buffer as it was. */
  get opensDetached(): boolean {
    return this.key.openDetached !== undefined;
  }

  open(
    contentType: number,
    version: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
  ): MaybePromise<OpenedRecord> {
    // RFC 8446 §5.2: protected records are always application_data on the outside.
    if (contentType !== 23) throw new TlsAlert('unexpected_message', `encrypted record with outer type ${contentType}`);
    if (length > this.maxCiphertextLength) throw new TlsAlert('record_overflow', `ciphertext of ${length} bytes`);
    if (length < this.key.tagLength + 1) throw new TlsAlert('bad_record_mac', 'record too short to be authentic');
    const sequence = this.counter.take();
    this.aad ??= new Uint8Array(5);
    const aad = this.aad;
    writeHeader(aad, 0, contentType, version, length);
    const nonce = this.nonceFor(sequence);
    // A provider that decrypts into a fresh array anyway hands it over: no copy back, no copy later.
    const detached = this.key.openDetached?.(nonce, aad, buffer, offset, length);
    if (detached !== undefined) {
      if (isPromiseLike(detached)) return detached.then((plain) => this.finishDetached(plain));
      return this.finishDetached(detached);
    }
    const result = this.key.open(nonce, aad, buffer, offset, length);
    const inner = length - this.key.tagLength;
    if (isPromiseLike(result)) return result.then((ok) => this.finishOpen(ok, buffer, offset, inner));
    return this.finishOpen(result, buffer, offset, inner);
  }

  private finishDetached(plain: Uint8Array | null): OpenedRecord {
    if (plain === null) throw new TlsAlert('bad_record_mac');
    return this.finishOpen(true, plain, 0, plain.length, plain);
  }

  /**
   * `inner`: the TLSInnerPlaintext's length (the opened bytes, tag excluded); `detached`: the
   * provider's fresh plaintext array when it opened out of place (then `buffer` is that array).
   */
  private finishOpen(
    authentic: boolean,
    buffer: Uint8Array,
    offset: number,
    inner: number,
    detached?: Uint8Array,
  ): OpenedRecord {
    if (!authentic) throw new TlsAlert('bad_record_mac');
    const innerEnd = offset + inner;
    // RFC 8446 §5.4: "the full encoded TLSInnerPlaintext MUST NOT exceed 2^14 + 1 octets", padding
    // included, even when the content alone would fit.
    if (inner > MAX_PLAINTEXT + 1)
      throw new TlsAlert('record_overflow', `inner plaintext of ${inner} bytes exceeds ${MAX_PLAINTEXT + 1}`);
    let end = innerEnd;
    // RFC 8446 §5.4: the content type is the last non-zero byte; all zeros is unexpected_message.
    while (end > offset && buffer[end - 1] === 0) end--;
    if (end === offset) throw new TlsAlert('unexpected_message', 'record has no content type');
    const innerType = buffer[end - 1] as number;
    const plaintextLength = end - 1 - offset;
    if (plaintextLength === 0 && innerType !== 23)
      throw new TlsAlert('unexpected_message', 'empty non-application record');
    const paddedLength = innerEnd - offset - 1;
    // One object shape for both paths (no spread): this runs once per record.
    return { contentType: innerType, offset, length: plaintextLength, paddedLength, detached };
  }
}
