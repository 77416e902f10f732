/**
 * What the driver does with each record that is not part of a handshake message: application data
 * (with 0-RTT accounting), alerts (close_notify, TLS 1.2 warnings, fatal alerts), ChangeCipherSpec,
 * and handshake fragments for reassembly. Records that move nothing count against the idle bound.
 * @module
 */
import { ContentType, type InboundRecord } from '@sslsocket/record';
import { TlsAlert } from '@sslsocket/suites';
import type { ConnectionEvent } from './events.js';
import type { HandshakeState } from './handshake-state.js';
import type { IdleRecordGuard } from './idle-records.js';
import type { RecordLayer } from './record-layer.js';

/** What the dispatcher needs from the driver ({@link ConnectionCore} provides it). */
export interface InboundHost {
  readonly config: { readonly versions?: readonly string[] | undefined };
  readonly role: 'client' | 'server';
  readonly record: RecordLayer;
  readonly idleRecords: IdleRecordGuard;
  readonly state: HandshakeState;
  readonly version: 'tlsv1.3' | 'tlsv1.2' | undefined;
  readonly handshakeComplete: boolean;
  emit(event: ConnectionEvent): void;
  /** The peer's close_notify arrived. */
  peerClosed(): void;
  /** The peer sent a fatal alert. */
  peerFailed(alert: TlsAlert): void;
}

/** Warning alerts a TLS 1.2-capable client ignores before the ServerHello (OpenSSL allows 5 in a row). */
const MAX_WARNINGS_BEFORE_HELLO = 4;

export class InboundRecords {
  /** Client: warning alerts ignored before the ServerHello (see alert()). */
  private warningsBeforeHello = 0;

  constructor(private readonly core: InboundHost) {}

  /** Handles one record; returns the next state when a warning alert changes it. */
  handle(record: InboundRecord): HandshakeState | undefined {
    const core = this.core;
    const { contentType: type, fragment, protected: isProtected } = record;
    // The provider opened this record into a fresh array (AeadKey.openDetached): keep it, no copy.
    const detached = record.detached === true;
    // RFC 8446 §5.1: handshake messages must not be interleaved with other record types.
    if (type !== ContentType.handshake) core.record.checkNotInterleaved();
    switch (type) {
      case ContentType.handshake:
        core.record.pushHandshake(fragment);
        return;
      case ContentType.application_data: {
        const early = core.record.earlyData?.classify(fragment, isProtected, core.handshakeComplete);
        if (early === 'ignore') return;
        if (early === undefined) {
          if (!core.handshakeComplete || !isProtected) {
            throw new TlsAlert('unexpected_message', 'application data before the handshake completed');
          }
          core.state.onApplicationData?.();
        }
        if (fragment.length > 0) {
          core.idleRecords.progress();
          core.emit({ type: 'data', data: detached ? fragment : fragment.slice() });
        } else core.idleRecords.idle('empty');
        return;
      }
      case ContentType.alert:
        return this.alert(fragment);
      case ContentType.change_cipher_spec:
        core.record.changeCipherSpec(fragment, isProtected);
        // TLS 1.3 compatibility ChangeCipherSpecs change nothing (RFC 8446 §5): bounded.
        if (core.version !== 'tlsv1.2') core.idleRecords.idle('ChangeCipherSpec');
        return;
      default:
        throw new TlsAlert('unexpected_message', `record type ${type}`);
    }
  }

  private alert(fragment: Uint8Array): HandshakeState | undefined {
    const core = this.core;
    if (fragment.length !== 2) throw new TlsAlert('decode_error', 'alert record must be 2 bytes');
    const level = fragment[0] as number;
    const code = fragment[1] as number;
    if (level !== 1 && level !== 2) throw new TlsAlert('illegal_parameter', `alert level ${level}`);
    const alert = new TlsAlert(code, undefined, { level: level === 1 ? 'warning' : 'fatal', sentByUs: false });
    core.emit({ type: 'alertReceived', alert });
    if (alert.description === 'close_notify') {
      // RFC 8446 §6.1: close_notify ends the peer's writing; we may keep writing (half-close).
      core.peerClosed();
      return;
    }
    // RFC 8446 §6.1: user_canceled is a warning, followed by close_notify. A run of them is a flood.
    if (alert.description === 'user_canceled') {
      if (!core.handshakeComplete) return this.peerCanceled(alert);
      core.idleRecords.idle('user_canceled alert');
      return;
    }
    if (level === 1 && core.version === undefined && core.role === 'client' && this.offersTls12()) {
      // RFC 5246 §7.2, RFC 6066 §3: a TLS 1.2 server may send a warning (OpenSSL: unrecognized_name
      // on an SNI mismatch) before its ServerHello. A client that offered TLS 1.2 cannot treat it as
      // TLS 1.3's "all alerts are fatal" yet, and ignores a few, as OpenSSL, GnuTLS and Go do; a
      // TLS 1.3-only client aborts (RFC 8446 §6.2).
      if (++this.warningsBeforeHello > MAX_WARNINGS_BEFORE_HELLO)
        throw new TlsAlert('unexpected_message', 'too many warning alerts before the ServerHello');
      return;
    }
    // RFC 5246 §7.2: in TLS 1.2 warning alerts (e.g. no_renegotiation) do not end the connection.
    if (core.version === 'tlsv1.2' && level === 1) {
      core.idleRecords.idle('warning alert');
      return core.state.onWarningAlert?.(alert);
    }
    // RFC 8446 §6.2: every other alert is fatal in TLS 1.3, whatever level it claims.
    core.peerFailed(alert);
  }

  /**
   * The peer canceled the handshake (RFC 8446 §6.1 user_canceled): nothing it sent afterwards is
   * processed — a ClientHello in the same segment gets no flight — and we close our side with
   * close_notify, which §6.1 requires of a party that sent no error alert.
   */
  private peerCanceled(alert: TlsAlert): undefined {
    const core = this.core;
    core.record.dropFlight();
    try {
      core.record.sendAlert(new TlsAlert('close_notify'));
    } catch {
      // No usable write epoch: the transport's close says the rest.
    }
    core.peerFailed(alert);
    return undefined;
  }

  private offersTls12(): boolean {
    return (this.core.config.versions ?? ['tlsv1.3', 'tlsv1.2']).includes('tlsv1.2');
  }
}
