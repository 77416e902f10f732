import { TlsAlert } from '@sslsocket/suites';

/**
 * Bounds the records a peer can send that give neither the application nor the handshake anything:
 * empty application_data records, TLS 1.2 warning alerts, TLS 1.3 user_canceled, TLS 1.3
 * compatibility ChangeCipherSpec records, HelloRequests a negotiating client ignores. Each is legal
 * alone (RFC 8446 §5, §6.1; RFC 5246 §6.2.1, §7.2, §7.4.1.1), but an endless run of them costs us
 * CPU while nothing moves, so more than `limit` in a row ends the connection with
 * unexpected_message (as OpenSSL does for empty records and warning alerts). Any application byte
 * or handshake message resets the count.
 *
 * KeyUpdate floods have their own counter (`keyUpdatesInARow`).
 */
export class IdleRecordGuard {
  private inARow = 0;

  /** @param limit idle records tolerated in a row (ConnectionConfig `maxIdleRecords`, default 32). */
  constructor(readonly limit = 32) {}

  /** A record that moved nothing; throws unexpected_message past the limit. */
  idle(what: string): void {
    this.inARow++;
    if (this.inARow > this.limit) {
      throw new TlsAlert('unexpected_message', `more than ${this.limit} ${what} records in a row with nothing else`);
    }
  }

  /** Application data or a handshake message arrived. */
  progress(): void {
    this.inARow = 0;
  }
}
