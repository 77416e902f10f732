/**
 * DTLS configuration: the TLS engine's {@link ConnectionConfig} (certificates, verification,
 * suites, groups, signature algorithms, ALPN, SNI, keylog — one set of option names for both
 * protocols) plus what only datagrams need.
 * @module
 */
import type { ConnectionConfig } from '@sslsocket/handshake';
import type { CookieGate } from './handshake/cookie.js';
import type { SrtpProfileName } from './srtp.js';

export interface DtlsConfig extends ConnectionConfig {
  /**
   * Path MTU in bytes (default 1200; smallest accepted 256): handshake messages are fragmented so
   * no handshake datagram we send is larger (RFC 6347 §4.1.1.1, §4.2.3). Application data is not
   * fragmented (a record cannot span datagrams, RFC 6347 §4.1.1): each `write()` of n bytes (at most
   * 16384) is one record in one datagram of n + 13 (header) + the AEAD expansion (24 for AES-GCM,
   * 16 for ChaCha20-Poly1305) bytes, whatever the MTU. The application keeps its messages at most
   * `mtu - 37` bytes to fit the path (§4.1.1: DTLS does not split them); larger ones depend on IP
   * fragmentation or are lost. OpenSSL does the same: its SSL_write is limited by the maximum
   * fragment length, not the MTU (OpenSSL 3.0 `s_client -dtls1_2 -mtu 576` sends a 3001-byte line
   * as one 3025-byte record).
   */
  readonly mtu?: number;
  /** First retransmission timeout in ms (RFC 6347 §4.2.4.1: 1 s). */
  readonly retransmitInitial?: number;
  /** Longest retransmission timeout in ms; the timer doubles up to it (RFC 6347 §4.2.4.1: 60 s). */
  readonly retransmitMax?: number;
  /** Retransmissions of one flight before the handshake fails with DtlsTimeoutError (default 10). */
  readonly maxRetransmits?: number;
  /**
   * Server: the HelloVerifyRequest cookie exchange (RFC 6347 §4.2.1). On by default with a gate of
   * the connection's own; pass a shared {@link CookieGate} (as a listener does) or false to skip it.
   */
  readonly cookies?: CookieGate | false;
  /** Server: the peer's address as the cookie binds it (default 'peer'). */
  readonly peerAddress?: string;
  /** DTLS-SRTP (RFC 5764): profiles to offer (client) or accept (server), in preference order. */
  readonly srtpProfiles?: readonly SrtpProfileName[];
}

/** Raised when a flight was retransmitted `maxRetransmits` times without an answer. */
export class DtlsTimeoutError extends Error {
  override readonly name = 'DtlsTimeoutError';
  constructor(retransmits: number) {
    super(`DTLS handshake timed out after ${retransmits} retransmissions (RFC 6347 §4.2.4)`);
  }
}
