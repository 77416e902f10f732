/**
 * The `handshake: 'hello'` pause (Erlang `{handshake, hello}`): the handshake stops once at the
 * peer's hello until the application calls `continue()` or `cancel()`.
 * @module
 */
import { TlsAlert } from '@sslsocket/suites';
import { ConnectionStateError } from './errors.js';

export class HelloPause {
  private pending: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  private taken = false;

  /**
   * Pauses the first time it is asked: `announce` runs (it emits the `hello` event) and the returned
   * Promise is what the handshake waits on, like an asynchronous hook. Undefined afterwards.
   */
  wait(announce: () => void): Promise<void> | undefined {
    if (this.taken) return undefined;
    this.taken = true;
    const waiting = new Promise<void>((resolve, reject) => {
      this.pending = { resolve, reject };
    });
    announce();
    return waiting;
  }

  /** Resumes the paused handshake. Throws when it is not paused. */
  resume(): void {
    this.take().resolve();
  }

  /** Abandons the paused handshake with user_canceled (RFC 8446 §6.1). Throws when it is not paused. */
  cancel(): void {
    this.take().reject(new TlsAlert('user_canceled', 'handshake canceled'));
  }

  private take(): { resolve: () => void; reject: (e: unknown) => void } {
    const pending = this.pending;
    if (pending === undefined) throw new ConnectionStateError('the handshake is not paused');
    this.pending = undefined;
    return pending;
  }
}
