/**
 * Closing after our fatal alert so that the alert arrives. Destroying the socket right after
 * writing it loses it whenever the peer is still sending: closing with unread received bytes makes
 * TCP answer with a reset (RFC 9293 §3.6.1, RFC 2525 §2.17), and a reset discards what the peer had
 * not yet read — our alert included. So after a failure we send the alert, then our FIN, keep
 * reading and discarding what the peer still sends for up to {@link LINGER_MS}, and only then
 * release the transport (as node:tls's destroySoon and OpenSSL-based servers' shutdown do).
 * @module
 */
import { type Transport, TransportError } from '@sslsocket/transport';

/** How long a failed connection keeps reading after its alert and FIN (ms). */
export const LINGER_MS = 1000;

export class Linger {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private done = false;

  constructor(private readonly transport: Transport) {}

  /**
   * Whether a failure lingers: only when we may still have something to say (an alert) and the
   * transport still works. Transport errors (a reset, a failed write) end at once.
   */
  static wanted(error: Error, writeFailed: boolean): boolean {
    return !writeFailed && !(error instanceof TransportError);
  }

  /** After the alert was flushed: FIN, then release after LINGER_MS unless the peer closes first. */
  start(): void {
    if (this.done) return;
    this.timer = setTimeout(() => this.end(), LINGER_MS);
    void this.transport.closeWrite().catch(() => this.end());
  }

  /** The peer closed (or reading stopped): release the transport now. */
  end(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.transport.destroy();
  }

  get ended(): boolean {
    return this.done;
  }
}
