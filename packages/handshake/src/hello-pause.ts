/**
 * The `handshake: 'hello'` pause (Erlang `{handshake, hello}`): the handshake stops once at the
 * peer's hello until the application calls `continue()` or `cancel()`.
 * @module
 */
import { TlsAlert } from '@sslsocket/suites';
import type { ConnectionConfig } from './config.js';
import { ConnectionStateError } from './errors.js';

/** What `continue()` hands the paused handshake: options merged into the waiting state's config. */
export type ConfigUpdate = Partial<ConnectionConfig>;

export class HelloPause {
  private pending: { resolve: (update: ConfigUpdate) => void; reject: (e: unknown) => void } | undefined;
  private taken = false;

  /**
   * Pauses the first time it is asked: `announce` runs (it emits the `hello` event) and the returned
   * Promise is what the handshake waits on, like an asynchronous hook; it resolves with the
   * options `continue()` was given. Undefined afterwards.
   */
  wait(announce: () => void): Promise<ConfigUpdate> | undefined {
    if (this.taken) return undefined;
    this.taken = true;
    const waiting = new Promise<ConfigUpdate>((resolve, reject) => {
      this.pending = { resolve, reject };
    });
    announce();
    return waiting;
  }

  /** True while the handshake waits for `continue()` or `cancel()`. */
  get paused(): boolean {
    return this.pending !== undefined;
  }

  /** Resumes the paused handshake with `update` for its configuration. Throws when it is not paused. */
  resume(update: ConfigUpdate): void {
    this.take().resolve(update);
  }

  /** Abandons the paused handshake with user_canceled (RFC 8446 §6.1). Throws when it is not paused. */
  cancel(): void {
    this.take().reject(new TlsAlert('user_canceled', 'handshake canceled'));
  }

  private take(): { resolve: (update: ConfigUpdate) => void; reject: (e: unknown) => void } {
    const pending = this.pending;
    if (pending === undefined) throw new ConnectionStateError('the handshake is not paused');
    this.pending = undefined;
    return pending;
  }
}
