/**
 * DTLS 1.2 CBC record protection for one epoch and direction (RFC 6347 §4.1.2.1): TLS 1.2's
 * GenericBlockCipher (RFC 5246 §6.2.3.2: a random explicit IV per record, HMAC, padding) or RFC 7366
 * encrypt-then-MAC, where the MAC's 64-bit seq_num is the record's own epoch || sequence_number from
 * its header and the version is DTLS's. The MAC and the constant-time (Lucky Thirteen) padding check
 * are `@sslsocket/record`'s {@link Tls12CbcProtection}, driven through its explicit-sequence entry
 * points rather than its own counter.
 * @module
 */
import { Tls12CbcProtection } from '@sslsocket/record';
import { type CbcAlgorithm, type CryptoProvider, type HashAlgorithm, isPromiseLike, TlsAlert } from '@sslsocket/suites';
import { RECORD_HEADER_LENGTH } from '../constants.js';
import { type DtlsRecord, writeRecordHeader } from './header.js';
import { AsyncProviderError, type DtlsProtection } from './protection.js';

const BLOCK = 16;
/** The TLS record header {@link Tls12CbcProtection} writes; the DTLS header then replaces it. */
const TLS_HEADER_LENGTH = 5;
const TWO_32 = 0x100000000;

/** Options for {@link DtlsCbcProtection.create}. */
export interface DtlsCbcOptions {
  /** RFC 7366 encrypt-then-MAC, when both sides negotiated it. */
  readonly encryptThenMac?: boolean;
  /** Where explicit IVs come from (default the provider's randomBytes). */
  readonly random?: (length: number) => Uint8Array;
}

export class DtlsCbcProtection implements DtlsProtection {
  readonly encrypted = true;
  /** The most a fragment grows by: explicit IV, MAC and up to a whole block of padding. */
  readonly overhead: number;

  constructor(
    private readonly cbc: Tls12CbcProtection,
    macLength: number,
  ) {
    this.overhead = BLOCK + macLength + BLOCK;
  }

  /**
   * @param version the record version the MAC covers (RFC 6347 §4.1.2.1: DTLS 1.2 is 0xfefd).
   */
  static create(
    provider: CryptoProvider,
    algorithm: CbcAlgorithm,
    key: Uint8Array,
    macHash: HashAlgorithm,
    macKey: Uint8Array,
    version: number,
    options: DtlsCbcOptions = {},
  ): DtlsCbcProtection {
    const mac = provider.macKey(macHash, macKey);
    const cbc = new Tls12CbcProtection(provider, provider.cbc(algorithm, key), mac, {
      version,
      encryptThenMac: options.encryptThenMac ?? false,
      ...(options.random === undefined ? {} : { random: options.random }),
    });
    return new DtlsCbcProtection(cbc, mac.outputLength);
  }

  seal(type: number, version: number, epoch: number, sequence: number, plaintext: Uint8Array): Uint8Array {
    const out = new Uint8Array(RECORD_HEADER_LENGTH + plaintext.length + this.overhead);
    // The TLS protection writes IV || ciphertext after a 5-byte header: place that header so the
    // IV starts right after the 13-byte DTLS header.
    const at = RECORD_HEADER_LENGTH - TLS_HEADER_LENGTH;
    out.set(plaintext, RECORD_HEADER_LENGTH + BLOCK);
    const sealed = this.cbc.sealWithSequence(...seqNum(epoch, sequence), type, out, at, plaintext.length);
    if (isPromiseLike(sealed)) {
      sealed.then(undefined, () => undefined);
      throw new AsyncProviderError('CbcKey.encrypt');
    }
    const length = sealed - TLS_HEADER_LENGTH;
    writeRecordHeader(out, 0, type, version, epoch, sequence, length);
    return out.subarray(0, RECORD_HEADER_LENGTH + length);
  }

  open(record: DtlsRecord): Uint8Array | null {
    // Decrypt a copy: the datagram stays intact for anything else that reads it.
    const buffer = record.fragment.slice();
    try {
      const opened = this.cbc.openWithSequence(
        ...seqNum(record.epoch, record.sequence),
        record.type,
        buffer,
        0,
        buffer.length,
      );
      if (isPromiseLike(opened)) {
        opened.then(undefined, () => undefined);
        throw new AsyncProviderError('CbcKey.decrypt');
      }
      return buffer.subarray(opened.offset, opened.offset + opened.length);
    } catch (e) {
      // RFC 6347 §4.1.2.7: a record that fails the MAC or padding check (or is too long) is
      // dropped silently; DTLS sends no bad_record_mac.
      if (e instanceof TlsAlert) return null;
      throw e;
    }
  }
}

/** The 64-bit seq_num epoch(16) || sequence_number(48) as two 32-bit halves (RFC 6347 §4.1.2.1). */
function seqNum(epoch: number, sequence: number): [number, number] {
  return [epoch * 0x10000 + Math.floor(sequence / TWO_32), sequence >>> 0];
}
