/**
 * ConnectionCore: the driver both sides share. It feeds received bytes to the record layer, hands
 * each handshake message to the current state and installs the state it returns, dispatches
 * records (application data, alerts, ChangeCipherSpec), queues events, and owns the close state.
 * The side- and version-specific handshake lives in small state objects (tls13/, tls12/).
 * @module
 */
import { ContentType, type HandshakeMessageBytes, type InboundRecord } from '@sslsocket/record';
import { type CryptoProvider, isPromiseLike, type MaybePromise, TlsAlert } from '@sslsocket/suites';
import { toHex } from './bytes.js';
import type { ConnectionConfig } from './config.js';
import { ConnectionStateError } from './errors.js';
import { type ConnectionEvent, EventQueue } from './events.js';
import { type ConfigUpdate, HelloPause } from './hello-pause.js';
import { IdleRecordGuard } from './idle-records.js';
import { asAlert } from './messages/extensions.js';
import { HandshakeType } from './messages/handshake-type.js';
import { RecordLayer } from './record-layer.js';
import type { MasterKeys } from './tls12/keys.js';

/** Warning alerts a TLS 1.2-capable client ignores before the ServerHello (OpenSSL allows 5 in a row). */
const MAX_WARNINGS_BEFORE_HELLO = 4;

/** What the application can ask of the current state (see {@link HandshakeState.onLocalRequest}). */
export type LocalRequest =
  | 'start'
  | 'renegotiate'
  | 'requestCertificate'
  | { readonly type: 'keyUpdate'; readonly requestPeer: boolean };

/** What a completed handshake leaves for exporters (RFC 8446 §7.5, RFC 5705) and Erlang's prf. */
export interface SessionSecrets {
  exportKeyingMaterial(label: string, context: Uint8Array | undefined, length: number): Uint8Array;
  /** TLS 1.2: the master secret and randoms. */
  readonly masterKeys?: MasterKeys;
}

/**
 * A handshake state: one per expected message (RFC 8446 §A.1, §A.2). Each method returns the next
 * state; only the driver ({@link ConnectionCore}) installs it.
 */
export interface HandshakeState {
  readonly name: string;
  /** True for the states of an established connection (a TLS 1.2 client then answers HelloRequest). */
  readonly established?: boolean;
  handle(message: HandshakeMessageBytes): MaybePromise<HandshakeState>;
  /** A TLS 1.2 warning alert from the peer (RFC 5246 §7.2): the next state, or undefined to stay. */
  onWarningAlert?(alert: TlsAlert): HandshakeState | undefined;
  /**
   * An application request: the next state, or undefined when this state does not take the
   * request. May throw for a request the connection cannot serve (e.g. no secure renegotiation).
   */
  onLocalRequest?(request: LocalRequest): MaybePromise<HandshakeState> | undefined;
  /**
   * Application data arrived or was sent (TLS 1.3 connected states reset their KeyUpdate flood
   * guard: data flowing either way shows the KeyUpdates are not a flood).
   */
  onApplicationData?(): void;
}

/** Raises unexpected_message unless `message` has the expected type. */
export function expectType(message: HandshakeMessageBytes, type: number, state: string): void {
  if (message.type !== type) {
    throw new TlsAlert('unexpected_message', `got handshake type ${message.type} in ${state}`);
  }
}

/** Runs `next` on a value that may be a Promise, without a microtask when it is not. */
export function andThen<T, U>(value: MaybePromise<T>, next: (v: T) => MaybePromise<U>): MaybePromise<U> {
  return isPromiseLike(value) ? value.then(next) : next(value);
}

export class ConnectionCore {
  readonly record: RecordLayer;
  readonly provider: CryptoProvider;
  readonly random: (length: number) => Uint8Array;
  readonly now: () => number;
  /** The current state; only step() changes it. */
  private current: HandshakeState;
  /** The close state: close_notify received (read), close_notify or a fatal alert sent (write), the failure. */
  private readonly closing: { read: boolean; write: boolean; failed: TlsAlert | undefined } = {
    read: false,
    write: false,
    failed: undefined,
  };
  private readonly events = new EventQueue();
  /** Empty records, warning alerts, compatibility ChangeCipherSpecs in a row (flood bound). */
  /** Counts records and messages that move nothing (flood bound, `maxIdleRecords`). */
  readonly idleRecords: IdleRecordGuard;
  private busy: Promise<void> | undefined;
  /** Exporter (and TLS 1.2 master) secrets, once the handshake derived them. */
  secrets: SessionSecrets | undefined;

  /** The `handshake: 'hello'` pause, resolved by `continue()` / rejected by `cancel()`. */
  private readonly pause = new HelloPause();
  /** Client: warning alerts ignored before the ServerHello (see handleAlert). */
  private warningsBeforeHello = 0;

  constructor(
    /** The configuration the connection was created with; never replaced (see continueHandshake). */
    readonly config: ConnectionConfig,
    readonly role: 'client' | 'server',
    initial: (core: ConnectionCore) => HandshakeState,
  ) {
    this.provider = config.provider;
    this.random = config.random ?? ((n) => config.provider.randomBytes(n));
    this.now = config.clock === undefined ? () => Date.now() : () => (config.clock as { now(): number }).now();
    this.record = new RecordLayer(config.maxHandshakeSize ?? 256 * 1024);
    this.idleRecords = new IdleRecordGuard(config.maxIdleRecords);
    this.current = initial(this);
  }

  get state(): HandshakeState {
    return this.current;
  }

  /** The negotiated version, once the ServerHello is sent or received. */
  get version(): 'tlsv1.3' | 'tlsv1.2' | undefined {
    return this.record.version;
  }

  /** We received close_notify. */
  get readClosed(): boolean {
    return this.closing.read;
  }

  /** We sent close_notify (or a fatal alert). */
  get writeClosed(): boolean {
    return this.closing.write;
  }

  /** The fatal alert that ended the connection, if any. */
  get failed(): TlsAlert | undefined {
    return this.closing.failed;
  }

  get handshakeComplete(): boolean {
    return this.record.handshakeComplete;
  }

  // ---- the `handshake: 'hello'` pause ----

  /**
   * Pauses at the peer's hello once when configured: emits the event and returns a Promise the
   * handshake waits on (like an asynchronous hook), or undefined when no pause applies. The Promise
   * resolves with what `continue()` was given; the waiting state merges it into its own config and
   * builds its successors with the result.
   */
  helloPause(event: ConnectionEvent): Promise<ConfigUpdate> | undefined {
    if (this.config.handshake !== 'hello') return undefined;
    return this.pause.wait(() => this.emit(event));
  }

  /** Resumes a paused handshake, handing `extra` to the waiting state (see helloPause). */
  continueHandshake(extra: ConfigUpdate): void {
    this.pause.resume(extra);
  }

  /** Abandons a paused handshake with user_canceled (RFC 8446 §6.1). */
  cancelHandshake(): void {
    this.pause.cancel();
  }

  // ---- events and output ----

  emit(event: ConnectionEvent): void {
    this.events.emit(event);
  }

  on(listener: (event: ConnectionEvent) => void): void {
    this.events.on(listener);
  }

  takeEvents(): ConnectionEvent[] {
    return this.events.take();
  }

  takeOutput(): Uint8Array | null {
    return this.record.takeOutput();
  }

  /** True while asynchronous seals are running (never with a synchronous provider). */
  get sealingInProgress(): boolean {
    return this.record.sealingInProgress;
  }

  /** Resolves once asynchronous seals are done (a no-op with synchronous providers). */
  settle(): Promise<void> {
    return this.record.settle();
  }

  /** Appends a handshake message to `transcript` (the handshake's own) and the current flight. */
  queueHandshake(raw: Uint8Array, transcript: { update(m: Uint8Array): void }): void {
    this.record.queueHandshake(raw, transcript);
  }

  // ---- keys ----

  /** SSLKEYLOGFILE line `<LABEL> <client_random hex> <secret hex>`, to `config.keylog` and as an event. */
  keylog(config: ConnectionConfig, label: string, clientRandom: Uint8Array, secret: Uint8Array): void {
    if (config.keylog === undefined) return;
    const line = `${label} ${toHex(clientRandom)} ${toHex(secret)}`;
    config.keylog(line);
    this.emit({ type: 'keylog', line });
  }

  // ---- application data and close ----

  write(data: Uint8Array): void {
    if (this.writeClosed || this.failed !== undefined) throw new ConnectionStateError('connection closed for writing');
    // Data we send counts for the KeyUpdate flood guard too (tls13/key-update.ts).
    if (data.length > 0 && this.handshakeComplete) this.state.onApplicationData?.();
    this.record.write(data);
  }

  /** Sends close_notify (RFC 8446 §6.1); reading continues until the peer closes (half-close). */
  close(): void {
    if (this.writeClosed || this.failed !== undefined) return;
    this.record.sendAlert(new TlsAlert('close_notify'));
    this.closing.write = true;
  }

  /** Turns any error into a fatal alert (sent unless it came from the peer) and an error event. */
  fail(error: unknown): void {
    if (this.failed !== undefined) return;
    const alert = asAlert(error);
    this.closing.failed = alert;
    if (alert.sentByUs && !this.writeClosed) {
      this.record.dropFlight();
      try {
        this.record.sendAlert(alert.description === 'close_notify' ? new TlsAlert('internal_error') : alert);
        // RFC 8446 §6.1: user_canceled is a warning that must be followed by close_notify.
        if (alert.description === 'user_canceled') this.record.sendAlert(new TlsAlert('close_notify'));
      } catch {
        // The write epoch may be unusable (e.g. sequence exhausted); nothing more can be sent.
      }
    }
    this.closing.write = true;
    this.closing.read = true;
    this.emit({ type: 'error', error: alert });
  }

  // ---- receiving ----

  /** Feeds bytes from the peer. Never throws: failures become alerts and an error event. */
  receive(bytes: Uint8Array): MaybePromise<void> {
    if (this.failed !== undefined || this.readClosed) return;
    this.record.feed(bytes);
    if (this.busy !== undefined) return this.busy;
    return this.drive();
  }

  /**
   * Hands an application request to the current state and installs the state it returns. False
   * when the state does not take the request; what the state throws reaches the caller.
   */
  request(request: LocalRequest): MaybePromise<void> | false {
    const next = this.state.onLocalRequest?.(request);
    if (next === undefined) return false;
    if (this.busy !== undefined) return this.busy.then(() => this.drive(next));
    return this.drive(next);
  }

  /**
   * Runs the state machine until it needs more bytes; chains on Promises only when they occur.
   * `requested` is a state an application request produced, installed first.
   */
  private drive(requested?: MaybePromise<HandshakeState>): MaybePromise<void> {
    let first = requested;
    try {
      for (;;) {
        const step = this.step(first);
        first = undefined;
        if (step === false) {
          this.record.flush();
          return;
        }
        if (isPromiseLike(step)) {
          const p: Promise<void> = step.then(
            () => {
              this.busy = undefined;
              return this.drive();
            },
            (e: unknown) => {
              this.busy = undefined;
              this.fail(e);
            },
          );
          this.busy = p;
          return p;
        }
      }
    } catch (e) {
      this.fail(e);
    }
  }

  /**
   * One unit of work: false when idle, true when progress was made, a Promise when waiting. The only
   * place the state changes: to what a request, a handshake message or a warning alert returns.
   */
  private step(requested?: MaybePromise<HandshakeState>): boolean | Promise<unknown> {
    if (this.failed !== undefined || this.readClosed) return false;
    const next = requested ?? this.work();
    if (typeof next === 'boolean') return next;
    // A flight a completed step produced goes out before anything a later record causes: an alert
    // for the next record must not replace it (RFC 8446 §D.3: the peer should see our ServerHello
    // before our complaint). A failing step's partial flight is still dropped by fail().
    if (isPromiseLike(next)) {
      return next.then((state) => {
        if (state !== undefined) this.current = state;
        this.record.flush();
      });
    }
    if (next !== undefined) this.current = next;
    this.record.flush();
    return true;
  }

  /**
   * Handles the next message or record: false when idle, true when nothing changes the state, else
   * the next state (or a Promise of it, undefined when the state stays).
   */
  private work(): boolean | MaybePromise<HandshakeState | undefined> {
    const sealing = this.record.takeSealing();
    if (sealing !== undefined) return sealing.then(() => undefined);
    const message = this.record.nextMessage();
    // RFC 5246 §7.4.1.1: a client ignores HelloRequest while it is negotiating.
    if (message !== null && message.type === HandshakeType.hello_request && this.ignoresHelloRequest()) {
      this.idleRecords.idle('ignored HelloRequest');
      return true;
    }
    if (message !== null) {
      if (!this.stateCountsIdle(message.type)) this.idleRecords.progress();
      return this.state.handle(message);
    }
    const record = this.record.nextRecord();
    if (record === 'skipped') return true;
    if (record === null) return false;
    if (isPromiseLike(record)) return record.then((r) => (r === null ? undefined : this.handleRecord(r)));
    return this.handleRecord(record) ?? true;
  }

  private offersTls12(): boolean {
    return (this.config.versions ?? ['tlsv1.3', 'tlsv1.2']).includes('tlsv1.2');
  }

  /**
   * Messages that may move nothing, so they do not reset the idle count here: HelloRequest, and
   * after the handshake NewSessionTicket and a renegotiation ClientHello. The state counts them
   * as idle when it keeps a ticket or refuses a renegotiation (IdleRecordGuard).
   */
  private stateCountsIdle(type: number): boolean {
    if (type === HandshakeType.hello_request) return true;
    const established = this.state.established === true;
    return established && (type === HandshakeType.new_session_ticket || type === HandshakeType.client_hello);
  }

  private ignoresHelloRequest(): boolean {
    return this.version === 'tlsv1.2' && this.role === 'client' && this.state.established !== true;
  }

  /** Handles one record; returns the next state when a warning alert changes it. */
  private handleRecord(record: InboundRecord): HandshakeState | undefined {
    const { contentType: type, fragment, protected: isProtected } = record;
    // The provider opened this record into a fresh array (AeadKey.openDetached): keep it, no copy.
    const detached = record.detached === true;
    // RFC 8446 §5.1: handshake messages must not be interleaved with other record types.
    if (type !== ContentType.handshake) this.record.checkNotInterleaved();
    switch (type) {
      case ContentType.handshake:
        this.record.pushHandshake(fragment);
        return;
      case ContentType.application_data: {
        const early = this.record.earlyData?.classify(fragment, isProtected, this.handshakeComplete);
        if (early === 'ignore') return;
        if (early === undefined) {
          if (!this.handshakeComplete || !isProtected) {
            throw new TlsAlert('unexpected_message', 'application data before the handshake completed');
          }
          this.state.onApplicationData?.();
        }
        if (fragment.length > 0) {
          this.idleRecords.progress();
          this.emit({ type: 'data', data: detached ? fragment : fragment.slice() });
        } else this.idleRecords.idle('empty');
        return;
      }
      case ContentType.alert:
        return this.handleAlert(fragment);
      case ContentType.change_cipher_spec:
        this.record.changeCipherSpec(fragment, isProtected);
        // TLS 1.3 compatibility ChangeCipherSpecs change nothing (RFC 8446 §5): bounded.
        if (this.version !== 'tlsv1.2') this.idleRecords.idle('ChangeCipherSpec');
        return;
      default:
        throw new TlsAlert('unexpected_message', `record type ${type}`);
    }
  }

  private handleAlert(fragment: Uint8Array): HandshakeState | undefined {
    if (fragment.length !== 2) throw new TlsAlert('decode_error', 'alert record must be 2 bytes');
    const level = fragment[0] as number;
    const code = fragment[1] as number;
    if (level !== 1 && level !== 2) throw new TlsAlert('illegal_parameter', `alert level ${level}`);
    const alert = new TlsAlert(code, undefined, { level: level === 1 ? 'warning' : 'fatal', sentByUs: false });
    this.emit({ type: 'alertReceived', alert });
    if (alert.description === 'close_notify') {
      // RFC 8446 §6.1: close_notify ends the peer's writing; we may keep writing (half-close).
      this.closing.read = true;
      this.emit({ type: 'closed' });
      return;
    }
    // RFC 8446 §6.1: user_canceled is a warning, followed by close_notify. A run of them is a flood.
    if (alert.description === 'user_canceled') {
      this.idleRecords.idle('user_canceled alert');
      return;
    }
    if (level === 1 && this.version === undefined && this.role === 'client' && this.offersTls12()) {
      // RFC 5246 §7.2, RFC 6066 §3: a TLS 1.2 server may send a warning (OpenSSL: unrecognized_name
      // on an SNI mismatch) before its ServerHello. A client that offered TLS 1.2 cannot treat it as
      // TLS 1.3's "all alerts are fatal" yet, and ignores a few, as OpenSSL, GnuTLS and Go do; a
      // TLS 1.3-only client aborts (RFC 8446 §6.2).
      if (++this.warningsBeforeHello > MAX_WARNINGS_BEFORE_HELLO)
        throw new TlsAlert('unexpected_message', 'too many warning alerts before the ServerHello');
      return;
    }
    // RFC 5246 §7.2: in TLS 1.2 warning alerts (e.g. no_renegotiation) do not end the connection.
    if (this.version === 'tlsv1.2' && level === 1) {
      this.idleRecords.idle('warning alert');
      return this.state.onWarningAlert?.(alert);
    }
    // RFC 8446 §6.2: every other alert is fatal in TLS 1.3, whatever level it claims.
    this.closing.failed = alert;
    this.closing.read = true;
    this.closing.write = true;
    this.emit({ type: 'error', error: alert });
  }
}
