/**
 * DTLS 1.2 record protection for one epoch and direction (RFC 6347 §4.1.2.1). As in TLS 1.2
 * (RFC 5246 §6.2.3.3) except that the 64-bit seq_num of the nonce and additional data is the
 * record's own epoch || sequence_number, carried in the header, so records open in any order:
 * - AES-GCM (RFC 5288 §3): nonce = 4-byte salt || 8-byte explicit nonce sent before the ciphertext
 *   (we send epoch || sequence, unique per key);
 * - ChaCha20-Poly1305 (RFC 7905 §2): nonce = 12-byte IV XOR (0^32 || epoch || sequence).
 * additional_data = epoch || sequence || type || version || plaintext length.
 * The explicit sequence number is what TLS's own protections (`@sslsocket/record`, which count
 * records themselves) cannot take, hence this small DTLS variant over the same provider AeadKey.
 * @module
 */
import { type AeadAlgorithm, type AeadKey, type CryptoProvider, isPromiseLike } from '@sslsocket/suites';
import { RECORD_HEADER_LENGTH } from '../constants.js';
import { type DtlsRecord, writeRecordHeader, writeUint48 } from './header.js';

/** One epoch's protection in one direction. */
export interface DtlsProtection {
  /** Bytes a record's fragment grows by (explicit nonce and tag). */
  readonly overhead: number;
  readonly encrypted: boolean;
  /** The whole record (header included) for `plaintext`. */
  seal(type: number, version: number, epoch: number, sequence: number, plaintext: Uint8Array): Uint8Array;
  /** The plaintext of `record`, or null when it does not authenticate (RFC 6347 §4.1.2.7: drop it). */
  open(record: DtlsRecord): Uint8Array | null;
}

/** Epoch 0: records go in the clear (RFC 6347 §4.1: the initial epoch has no protection). */
export class NullDtlsProtection implements DtlsProtection {
  readonly overhead = 0;
  readonly encrypted = false;

  seal(type: number, version: number, epoch: number, sequence: number, plaintext: Uint8Array): Uint8Array {
    const out = new Uint8Array(RECORD_HEADER_LENGTH + plaintext.length);
    writeRecordHeader(out, 0, type, version, epoch, sequence, plaintext.length);
    out.set(plaintext, RECORD_HEADER_LENGTH);
    return out;
  }

  open(record: DtlsRecord): Uint8Array | null {
    return record.fragment;
  }
}

/** Raised when the provider answers asynchronously: the DTLS engine drives a synchronous provider. */
export class AsyncProviderError extends Error {
  override readonly name = 'AsyncProviderError';
  constructor(what: string) {
    super(`DTLS needs a synchronous CryptoProvider; ${what} returned a Promise`);
  }
}

export class DtlsAeadProtection implements DtlsProtection {
  readonly encrypted = true;
  readonly overhead: number;
  private readonly explicit: number;
  private readonly nonce = new Uint8Array(12);
  private readonly aad = new Uint8Array(13);

  constructor(
    private readonly key: AeadKey,
    private readonly iv: Uint8Array,
  ) {
    this.explicit = key.algorithm === 'CHACHA20-POLY1305' ? 0 : 8;
    const ivLength = this.explicit === 0 ? 12 : 4;
    if (iv.length !== ivLength) throw new RangeError(`${key.algorithm} in DTLS 1.2 needs a ${ivLength}-byte IV`);
    this.overhead = this.explicit + key.tagLength;
  }

  static create(
    provider: CryptoProvider,
    algorithm: AeadAlgorithm,
    key: Uint8Array,
    iv: Uint8Array,
  ): DtlsAeadProtection {
    return new DtlsAeadProtection(provider.aead(algorithm, key), iv.slice());
  }

  private setNonce(epoch: number, sequence: number): Uint8Array {
    const n = this.nonce;
    n.fill(0);
    n[4] = epoch >>> 8;
    n[5] = epoch & 0xff;
    writeUint48(n, 6, sequence);
    if (this.explicit === 0) {
      for (let i = 0; i < 12; i++) n[i] = (n[i] as number) ^ (this.iv[i] as number);
    } else {
      n.set(this.iv, 0);
    }
    return n;
  }

  private setAad(type: number, version: number, epoch: number, sequence: number, length: number): Uint8Array {
    const a = this.aad;
    a[0] = epoch >>> 8;
    a[1] = epoch & 0xff;
    writeUint48(a, 2, sequence);
    a[8] = type;
    a[9] = version >>> 8;
    a[10] = version & 0xff;
    a[11] = length >>> 8;
    a[12] = length & 0xff;
    return a;
  }

  seal(type: number, version: number, epoch: number, sequence: number, plaintext: Uint8Array): Uint8Array {
    const length = this.explicit + plaintext.length + this.key.tagLength;
    const out = new Uint8Array(RECORD_HEADER_LENGTH + length);
    writeRecordHeader(out, 0, type, version, epoch, sequence, length);
    const nonce = this.setNonce(epoch, sequence);
    if (this.explicit > 0) out.set(nonce.subarray(4), RECORD_HEADER_LENGTH);
    const body = RECORD_HEADER_LENGTH + this.explicit;
    out.set(plaintext, body);
    const aad = this.setAad(type, version, epoch, sequence, plaintext.length);
    const r = this.key.seal(nonce, aad, out, body, plaintext.length);
    if (isPromiseLike(r)) throw new AsyncProviderError('AeadKey.seal');
    return out;
  }

  open(record: DtlsRecord): Uint8Array | null {
    const plainLength = record.fragment.length - this.overhead;
    if (plainLength < 0) return null;
    const nonce = this.setNonce(record.epoch, record.sequence);
    // RFC 5288 §3: the explicit part is the sender's choice; take it from the record.
    if (this.explicit > 0) nonce.set(record.fragment.subarray(0, 8), 4);
    const aad = this.setAad(record.type, record.version, record.epoch, record.sequence, plainLength);
    // Open a copy: the datagram stays intact for anything else that reads it.
    const buffer = record.fragment.slice(this.explicit);
    const ok = this.key.open(nonce, aad, buffer, 0, buffer.length);
    if (isPromiseLike(ok)) throw new AsyncProviderError('AeadKey.open');
    return ok ? buffer.subarray(0, plainLength) : null;
  }
}
