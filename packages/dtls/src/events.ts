/**
 * What a {@link DtlsConnection} reports, taken with `takeEvents()`.
 * @module
 */
import type { Session12 } from '@sslsocket/handshake';
import { TlsAlert } from '@sslsocket/suites';
import type { DtlsTimeoutError } from './config.js';
import type { DtlsParameters } from './handshake/context.js';

/** What the connection reports; take them with `DtlsConnection.takeEvents()`. */
export type DtlsEvent =
  | { readonly type: 'handshakeComplete'; readonly parameters: DtlsParameters }
  /** One record's application data: message boundaries are kept. */
  | { readonly type: 'data'; readonly data: Uint8Array }
  /** Call handleTimeout() after `delay` ms; undefined cancels the timer. */
  | { readonly type: 'timer'; readonly delay: number | undefined }
  /** The peer sent close_notify. */
  | { readonly type: 'closed' }
  /** A warning alert from the peer. */
  | { readonly type: 'alert'; readonly alert: TlsAlert }
  | { readonly type: 'keylog'; readonly line: string }
  /** Client: a session the server will let us resume (pass it back as `config.session`). */
  | { readonly type: 'session'; readonly session: Session12 }
  /** The association failed (alert sent or received, or retransmissions exhausted). */
  | { readonly type: 'error'; readonly error: TlsAlert | DtlsTimeoutError | Error };

/** An alert record's two bytes (RFC 5246 §7.2) as the peer's TlsAlert; undefined when malformed (dropped). */
export function readAlert(plaintext: Uint8Array): TlsAlert | undefined {
  if (plaintext.length !== 2) return undefined;
  return new TlsAlert(plaintext[1] as number, undefined, {
    sentByUs: false,
    level: plaintext[0] === 1 ? 'warning' : 'fatal',
  });
}
