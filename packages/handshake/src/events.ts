/**
 * What a Connection reports to its driver. Events are queued (`takeEvents()`) and also passed to
 * the optional listener given to `on()`.
 * @module
 */
import type { GroupName, PublicKey, SignatureSchemeName, TlsAlert } from '@sslsocket/suites';
import type { Session13 } from './config.js';
import type { Extensions } from './messages/extensions.js';

/** The parameters agreed by a completed handshake. */
export interface NegotiatedParameters {
  readonly version: 'tlsv1.3';
  readonly cipherSuite: string;
  readonly cipherSuiteCode: number;
  /** undefined for psk_ke resumption. */
  readonly group: GroupName | undefined;
  readonly signatureScheme: SignatureSchemeName | undefined;
  readonly alpn: string | undefined;
  readonly serverName: string | undefined;
  readonly resumed: boolean;
  /** True when a HelloRetryRequest was exchanged. */
  readonly helloRetry: boolean;
  readonly peerCertificates: readonly Uint8Array[];
  readonly peerPublicKey: PublicKey | undefined;
  /** Peer's record_size_limit, if it sent one. */
  readonly peerRecordSizeLimit: number | undefined;
}

export type ConnectionEvent =
  | { readonly type: 'handshakeComplete'; readonly parameters: NegotiatedParameters }
  | { readonly type: 'data'; readonly data: Uint8Array }
  /** The peer sent an alert (close_notify included). */
  | { readonly type: 'alertReceived'; readonly alert: TlsAlert }
  /** The peer closed its write side (close_notify); we may still write until we close(). */
  | { readonly type: 'closed' }
  /** The connection failed; `error.sentByUs` says whether we sent the alert. */
  | { readonly type: 'error'; readonly error: TlsAlert }
  | { readonly type: 'newSessionTicket'; readonly session: Session13 }
  /** One SSLKEYLOGFILE line (also given to config.keylog). */
  | { readonly type: 'keylog'; readonly line: string }
  | { readonly type: 'keyUpdate'; readonly direction: 'read' | 'write' }
  /** Whether the server accepted our 0-RTT data (client), or 0-RTT data arrived (server: `data` events). */
  | { readonly type: 'earlyData'; readonly accepted: boolean }
  /** `handshake: 'hello'`: the peer's hello arrived; call continue(options) or cancel(). */
  | { readonly type: 'hello'; readonly message: 'ClientHello' | 'ServerHello'; readonly extensions: Extensions }
  /** Post-handshake client authentication finished (server side). */
  | { readonly type: 'peerCertificate'; readonly chain: readonly Uint8Array[] };
