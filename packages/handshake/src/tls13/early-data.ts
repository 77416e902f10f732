/**
 * The TLS 1.3 server's 0-RTT accounting (RFC 8446 §4.2.10), consulted by the record layer: accepted
 * early data counts against max_early_data_size; rejected early data is skipped by failed
 * decryption up to a bound; after a HelloRetryRequest, plaintext-epoch 0-RTT records are dropped.
 * @module
 */
import { MAX_PLAINTEXT, MAX_TLS13_EXPANSION } from '@sslsocket/record';
import { TlsAlert } from '@sslsocket/suites';
import type { ConnectionConfig } from '../config.js';
import type { EarlyDataGate } from '../record-layer.js';

/**
 * The most rejected 0-RTT a server skips, in record bytes (RFC 8446 §4.2.10: "up to the configured
 * max_early_data_size"): at least one full record, plus the expansion of 64 records.
 */
export function rejectedEarlyDataBound(config: ConnectionConfig): number {
  return Math.max(config.maxEarlyDataSize ?? 0, MAX_PLAINTEXT) + MAX_TLS13_EXPANSION * 64;
}

export class EarlyDataReceiver implements EarlyDataGate {
  /** Accepted 0-RTT bytes still allowed, or -1 when not accepting. */
  private remaining = -1;
  /** Rejected 0-RTT bytes we may still skip by failed decryption. */
  private skipBytes = 0;
  /** Re-installs the current read keys after a failed trial decryption. */
  private reinstallReadKeys: (() => void) | undefined;
  /**
   * After a HelloRetryRequest, plaintext-epoch 0-RTT records are ignored: the bytes we may still
   * ignore, or -1 when not ignoring.
   */
  private ignorePlaintext = -1;

  /** Accepts up to `limit` bytes of 0-RTT data. */
  accept(limit: number): void {
    this.remaining = limit;
  }

  /** EndOfEarlyData arrived: no more 0-RTT data (RFC 8446 §4.5). */
  end(): void {
    this.remaining = -1;
  }

  /** Rejects 0-RTT: up to `bytes` of records that fail to decrypt are skipped. */
  reject(bytes: number, reinstallReadKeys: () => void): void {
    this.skipBytes = bytes;
    this.reinstallReadKeys = reinstallReadKeys;
  }

  /**
   * RFC 8446 §4.1.4, §4.2.10: 0-RTT sent with the first ClientHello is skipped after a retry, "up to
   * the configured max_early_data_size": `bytes` (record payloads counted), beyond which it is
   * unexpected_message (RFC 8446 §4.6.1), so a peer cannot stream records we drop until the
   * handshake timeout.
   */
  ignoreAfterRetry(bytes: number): void {
    this.ignorePlaintext = bytes;
  }

  skipUnreadable(bytes: number): boolean {
    if (this.skipBytes <= 0) return false;
    this.skipBytes -= bytes;
    // The trial leaves the epoch's sequence number untouched: start the epoch again.
    this.reinstallReadKeys?.();
    return true;
  }

  opened(isProtected: boolean): void {
    if (isProtected && this.skipBytes > 0) this.skipBytes = 0;
  }

  classify(fragment: Uint8Array, isProtected: boolean, handshakeComplete: boolean): 'early' | 'ignore' | undefined {
    if (this.ignorePlaintext >= 0 && !isProtected) {
      this.ignorePlaintext -= Math.max(fragment.length, 1);
      if (this.ignorePlaintext < 0)
        throw new TlsAlert('unexpected_message', 'too much early data after HelloRetryRequest');
      return 'ignore';
    }
    if (this.remaining < 0 || handshakeComplete || !isProtected) return undefined;
    this.remaining -= fragment.length;
    if (this.remaining < 0) throw new TlsAlert('unexpected_message', 'too much early data');
    return 'early';
  }
}
