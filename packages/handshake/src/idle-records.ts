import { type AlertDescriptionName, TlsAlert } from '@sslsocket/suites';

/**
 * Bounds the records a peer can send that give neither the application nor the handshake anything:
 * empty application_data records, TLS 1.2 warning alerts, TLS 1.3 user_canceled, TLS 1.3
 * compatibility ChangeCipherSpec records, HelloRequests a negotiating client ignores. Each is legal
 * alone (RFC 8446 §5, §6.1; RFC 5246 §6.2.1, §7.2, §7.4.1.1), but an endless run of them costs us
 * CPU while nothing moves, so more than `limit` in a row ends the connection with
 * unexpected_message (as OpenSSL does for empty records and warning alerts). Any application byte
 * or handshake message resets the count.
 *
 * Post-handshake messages that moved nothing count too: NewSessionTickets (RFC 8446 §4.6.1 sets no
 * limit on them, but a client keeps each one) and refused renegotiation requests (RFC 5246
 * §7.4.1.1, RFC 5746: each costs a decode and a no_renegotiation warning). The connected states
 * report those; `ConnectionCore` leaves them out of `progress()`.
 *
 * KeyUpdate floods have their own counter (`KeyUpdates` in tls13/key-update.ts).
 */
export class IdleRecordGuard {
  private inARow = 0;

  /** @param limit idle records tolerated in a row (ConnectionConfig `maxIdleRecords`, default 32). */
  constructor(readonly limit = 32) {}

  /**
   * A record or message that moved nothing; past the limit throws `alert` (unexpected_message
   * unless the caller names a more precise one, e.g. handshake_failure for renegotiation requests
   * that keep coming after our no_renegotiation).
   */
  idle(what: string, alert: AlertDescriptionName = 'unexpected_message'): void {
    this.inARow++;
    if (this.inARow > this.limit) {
      throw new TlsAlert(alert, `more than ${this.limit} ${what} records in a row with nothing else`);
    }
  }

  /** Application data or a handshake message arrived. */
  progress(): void {
    this.inARow = 0;
  }
}
