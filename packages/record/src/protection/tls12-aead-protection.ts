import {
  type AeadAlgorithm,
  type AeadKey,
  type CryptoProvider,
  isPromiseLike,
  type MaybePromise,
  TlsAlert,
} from '@sslsocket/suites';
import { MAX_PLAINTEXT, MAX_TLS12_EXPANSION } from '../content-type.js';
import {
  type OpenedRecord,
  type RecordProtection,
  SequenceCounter,
  writeHeader,
  writeSequence,
} from './record-protection.js';

/**
 * TLS 1.2 AEAD record protection: AES-GCM (RFC 5288) and AES-CCM (RFC 6655) with a 4-byte implicit
 * salt and an 8-byte explicit nonce carried in each record (we send the sequence number, which is
 * unique per key), and ChaCha20-Poly1305 (RFC 7905 §2) whose nonce is the 12-byte IV XOR the
 * sequence number with nothing explicit. additional_data = seq_num || type || version || length
 * (RFC 5246 §6.2.3.3).
 */
export class Tls12AeadProtection implements RecordProtection {
  readonly encrypted = true;
  readonly prefixLength: number;
  /** A synchronous detached open leaves the buffer alone (RecordProtection.opensLent). */
  readonly opensLent: boolean;
  readonly maxCiphertextLength = MAX_PLAINTEXT + MAX_TLS12_EXPANSION;
  private readonly counter = new SequenceCounter(2 ** 40);
  private readonly nonce = new Uint8Array(12);
  private readonly aad = new Uint8Array(13);
  private readonly xorNonce: boolean;

  constructor(
    private readonly key: AeadKey,
    private readonly iv: Uint8Array,
    /** The negotiated version written in record headers and the AAD. */
    private readonly version = 0x0303,
  ) {
    this.xorNonce = key.algorithm === 'CHACHA20-POLY1305';
    const expectedIv = this.xorNonce ? 12 : 4;
    if (iv.length !== expectedIv) throw new RangeError(`${key.algorithm} in TLS 1.2 needs a ${expectedIv}-byte IV`);
    this.prefixLength = this.xorNonce ? 0 : 8;
    this.opensLent = key.openDetached !== undefined && key.openDetachedSync === true;
  }

  static create(
    provider: CryptoProvider,
    algorithm: AeadAlgorithm,
    key: Uint8Array,
    iv: Uint8Array,
    version = 0x0303,
  ): Tls12AeadProtection {
    return new Tls12AeadProtection(provider.aead(algorithm, key), iv.slice(), version);
  }

  get sequence(): number {
    return this.counter.value;
  }

  get nearLimit(): boolean {
    return this.counter.nearLimit;
  }

  maxSuffixLength(): number {
    return this.key.tagLength;
  }

  private setAad(sequence: number, contentType: number, length: number): Uint8Array {
    const aad = this.aad;
    writeSequence(aad, 0, sequence);
    writeHeader(aad, 8, contentType, this.version, length);
    return aad;
  }

  /** The nonce; for GCM/CCM `explicit` is where the 8 explicit bytes live (read or written). */
  private setNonce(sequence: number): Uint8Array {
    const nonce = this.nonce;
    if (this.xorNonce) {
      writeSequence(nonce, 4, sequence);
      for (let i = 0; i < 4; i++) nonce[i] = this.iv[i] as number;
      for (let i = 4; i < 12; i++) nonce[i] = (nonce[i] as number) ^ (this.iv[i] as number);
    } else {
      nonce.set(this.iv);
      writeSequence(nonce, 4, sequence);
    }
    return nonce;
  }

  seal(contentType: number, out: Uint8Array, at: number, length: number): MaybePromise<number> {
    const sequence = this.counter.take();
    const nonce = this.setNonce(sequence);
    if (!this.xorNonce) out.set(nonce.subarray(4), at + 5);
    const bodyAt = at + 5 + this.prefixLength;
    const total = this.prefixLength + length + this.key.tagLength;
    writeHeader(out, at, contentType, this.version, total);
    const result = this.key.seal(nonce, this.setAad(sequence, contentType, length), out, bodyAt, length);
    if (isPromiseLike(result)) return result.then(() => 5 + total);
    return 5 + total;
  }

  /**
   * Seals `data` from where it lies into `out` at `at` when the AEAD can encrypt from one buffer into
   * another (AeadKey.sealTo), saving the copy of the plaintext into the output buffer.
   */
  sealFrom(contentType: number, data: Uint8Array, out: Uint8Array, at: number): MaybePromise<number> | undefined {
    const key = this.key;
    if (key.sealTo === undefined) return undefined;
    const sequence = this.counter.take();
    const nonce = this.setNonce(sequence);
    // RFC 5288 §3: the explicit nonce (our sequence number) goes in front of the ciphertext.
    if (!this.xorNonce) out.set(nonce.subarray(4), at + 5);
    const total = this.prefixLength + data.length + key.tagLength;
    writeHeader(out, at, contentType, this.version, total);
    const aad = this.setAad(sequence, contentType, data.length);
    const result = key.sealTo(nonce, aad, data, undefined, out, at + 5 + this.prefixLength);
    if (isPromiseLike(result)) return result.then(() => 5 + total);
    return 5 + total;
  }

  /** The key opens out of place (AeadKey.openDetached), so open() leaves the buffer as it was. */
  get opensDetached(): boolean {
    return this.key.openDetached !== undefined;
  }

  open(
    contentType: number,
    _version: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
  ): MaybePromise<OpenedRecord> {
    if (length > this.maxCiphertextLength) throw new TlsAlert('record_overflow', `ciphertext of ${length} bytes`);
    const plaintextLength = length - this.prefixLength - this.key.tagLength;
    if (plaintextLength < 0) throw new TlsAlert('bad_record_mac', 'record too short to be authentic');
    const sequence = this.counter.take();
    const nonce = this.setNonce(sequence);
    // RFC 5288 §3: the explicit part is whatever the sender chose; take it from the record.
    if (!this.xorNonce) nonce.set(buffer.subarray(offset, offset + 8), 4);
    const aad = this.setAad(sequence, contentType, plaintextLength);
    const bodyAt = offset + this.prefixLength;
    // A provider that decrypts into a fresh array anyway hands it over: no copy back, no copy later.
    const detached = this.key.openDetached?.(nonce, aad, buffer, bodyAt, length - this.prefixLength);
    if (detached !== undefined) {
      if (isPromiseLike(detached)) return detached.then((plain) => finishDetached(plain, contentType, plaintextLength));
      return finishDetached(detached, contentType, plaintextLength);
    }
    const result = this.key.open(nonce, aad, buffer, bodyAt, length - this.prefixLength);
    if (isPromiseLike(result)) return result.then((ok) => finish(ok, contentType, bodyAt, plaintextLength));
    return finish(result, contentType, bodyAt, plaintextLength);
  }
}

function finishDetached(plain: Uint8Array | null, contentType: number, length: number): OpenedRecord {
  if (plain === null) throw new TlsAlert('bad_record_mac');
  if (length > MAX_PLAINTEXT) throw new TlsAlert('record_overflow', `plaintext of ${length} bytes`);
  return { contentType, offset: 0, length, detached: plain };
}

function finish(authentic: boolean, contentType: number, offset: number, length: number): OpenedRecord {
  if (!authentic) throw new TlsAlert('bad_record_mac');
  if (length > MAX_PLAINTEXT) throw new TlsAlert('record_overflow', `plaintext of ${length} bytes`);
  return { contentType, offset, length };
}
