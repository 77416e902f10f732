import type { ClientConnection, ServerConnection } from '@sslsocket/handshake';
import { TlsAlert } from '@sslsocket/suites';
import { SocketStateError } from './errors.js';

interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

/**
 * Requests the application starts after the handshake and whose answer comes from the peer:
 * a TLS 1.2 renegotiation (RFC 5746) and a TLS 1.3 post-handshake certificate request (RFC 8446
 * §4.6.2). One of each may be in flight; a failure of the connection rejects both.
 */
export class LocalRequests {
  private renegotiation: Waiter<void> | undefined;
  private certificate: Waiter<readonly Uint8Array[]> | undefined;

  /** Starts a renegotiation; resolves when the new handshake completes. */
  renegotiate(connection: ClientConnection | ServerConnection): Promise<void> {
    const done = new Promise<void>((resolve, reject) => {
      this.renegotiation = { resolve, reject };
    });
    try {
      connection.renegotiate();
    } catch (e) {
      this.renegotiation = undefined;
      throw e;
    }
    return done;
  }

  /** Sends a CertificateRequest; resolves with the client's verified chain (empty when it sent none). */
  requestCertificate(connection: ServerConnection): Promise<readonly Uint8Array[]> {
    if (this.certificate !== undefined) {
      return Promise.reject(new SocketStateError('einval', 'a certificate request is already in flight'));
    }
    const done = new Promise<readonly Uint8Array[]>((resolve, reject) => {
      this.certificate = { resolve, reject };
    });
    try {
      connection.requestClientCertificate();
    } catch (e) {
      this.certificate = undefined;
      // The engine refuses when the client did not offer post_handshake_auth (RFC 8446 §4.2.6).
      return Promise.reject(new SocketStateError('einval', (e as Error).message));
    }
    return done;
  }

  /** A handshake completed: a renegotiation we asked for is done. */
  onRenegotiated(): void {
    this.renegotiation?.resolve();
    this.renegotiation = undefined;
  }

  /** RFC 5746 §4.5: the peer answered our renegotiation with a no_renegotiation warning. */
  onNoRenegotiation(): void {
    this.renegotiation?.reject(new TlsAlert('no_renegotiation', 'the peer declined to renegotiate'));
    this.renegotiation = undefined;
  }

  /** Post-handshake authentication finished: the chain the verifier accepted. */
  onPeerCertificate(chain: readonly Uint8Array[]): void {
    this.certificate?.resolve(chain);
    this.certificate = undefined;
  }

  /** The connection failed: nothing in flight will be answered. */
  failAll(error: Error): void {
    this.renegotiation?.reject(error);
    this.certificate?.reject(error);
    this.renegotiation = undefined;
    this.certificate = undefined;
  }
}
