/**
 * What a Connection reports to its driver. Events are queued (`takeEvents()`) and also passed to
 * the optional listener given to `on()`.
 * @module
 */
import type { GroupName, PublicKey, SignatureSchemeName, TlsAlert } from '@sslsocket/suites';
import type { CertificateType, Session12, Session13 } from './config.js';
import type { SessionStoreError } from './errors.js';
import type { Extensions } from './messages/extensions.js';

/** The parameters agreed by a completed handshake. */
export interface NegotiatedParameters {
  readonly version: 'tlsv1.3' | 'tlsv1.2';
  readonly cipherSuite: string;
  readonly cipherSuiteCode: number;
  /** undefined for psk_ke resumption. */
  readonly group: GroupName | undefined;
  /** The scheme the server authenticated with (its CertificateVerify, or TLS 1.2 ServerKeyExchange). */
  readonly signatureScheme: SignatureSchemeName | undefined;
  readonly alpn: string | undefined;
  readonly serverName: string | undefined;
  readonly resumed: boolean;
  /** True when a HelloRetryRequest was exchanged. */
  readonly helloRetry: boolean;
  readonly peerCertificates: readonly Uint8Array[];
  readonly peerPublicKey: PublicKey | undefined;
  /** TLS 1.3, RFC 7250: the certificate type of each side (absent means X.509 for both). */
  readonly certificateTypes?: { readonly server: CertificateType; readonly client: CertificateType };
  /** RFC 7250: the peer's raw public key (DER SubjectPublicKeyInfo); `peerCertificates` is then empty. */
  readonly peerRawPublicKey?: Uint8Array;
  /** Peer's record_size_limit, if it sent one. */
  readonly peerRecordSizeLimit: number | undefined;
  /** TLS 1.2: the session id (empty when none); TLS 1.3: empty. */
  readonly sessionId?: Uint8Array;
  /** TLS 1.2: RFC 7627 extended master secret in use. */
  readonly extendedMasterSecret?: boolean;
  /** TLS 1.2: RFC 7366 encrypt-then-MAC in use (CBC suites). */
  readonly encryptThenMac?: boolean;
  /** TLS 1.2: the peer supports RFC 5746 secure renegotiation. */
  readonly secureRenegotiation?: boolean;
  /** TLS 1.2: this handshake was a renegotiation. */
  readonly renegotiated?: boolean;
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
  /** A resumable session: a TLS 1.3 ticket, or a TLS 1.2 session (id and/or RFC 5077 ticket). */
  | { readonly type: 'newSessionTicket'; readonly session: Session13 | Session12 }
  /** One SSLKEYLOGFILE line (also given to config.keylog). */
  | { readonly type: 'keylog'; readonly line: string }
  | { readonly type: 'keyUpdate'; readonly direction: 'read' | 'write' }
  /** 0-RTT: whether the server accepted our early data (client) or the client's (server; the data itself comes as `data`). */
  | { readonly type: 'earlyData'; readonly accepted: boolean }
  /** `handshake: 'hello'`: the peer's hello arrived; call continue(options) or cancel(). */
  | { readonly type: 'hello'; readonly message: 'ClientHello' | 'ServerHello'; readonly extensions: Extensions }
  /** Post-handshake client authentication finished (server side). */
  | { readonly type: 'peerCertificate'; readonly chain: readonly Uint8Array[] }
  /**
   * Server: a session store or ticket key provider failed; the connection went on without that
   * step (a full handshake, no cached session, no ticket). Not the peer's fault, nothing was sent.
   */
  | { readonly type: 'sessionStoreError'; readonly error: SessionStoreError };

/** The event queue of one connection, with the optional listener `on()` installs. */
/** The empty queue every connection starts with; never pushed to (emit() replaces it first). */
const NONE: never[] = [];

export class EventQueue {
  /** The shared empty NONE while nothing is queued: an idle connection keeps no array (#17). */
  private queue: ConnectionEvent[] = NONE;
  private listener: ((event: ConnectionEvent) => void) | undefined;

  emit(event: ConnectionEvent): void {
    if (this.queue === NONE) this.queue = [event];
    else this.queue.push(event);
    this.listener?.(event);
  }

  on(listener: (event: ConnectionEvent) => void): void {
    this.listener = listener;
  }

  /** Events since the last call, oldest first. */
  take(): ConnectionEvent[] {
    if (this.queue.length === 0) return [];
    const events = this.queue;
    this.queue = NONE;
    return events;
  }
}
