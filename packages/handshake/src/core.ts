/**
 * ConnectionCore: the driver both sides share. It feeds received bytes to the record layer, hands
 * each handshake message to the current state and installs the state it returns, passes other
 * records to the dispatcher (inbound-records.ts), queues events, and owns the close state. The
 * side- and version-specific handshake lives in small state objects (tls13/, tls12/) that own
 * their data (transcript, secrets, configuration after a paused hello).
 * @module
 */
import { type CryptoProvider, isPromiseLike, type MaybePromise, TlsAlert } from '@sslsocket/suites';
import { toHex } from './bytes.js';
import type { ConnectionConfig } from './config.js';
import { ConnectionStateError } from './errors.js';
import { type ConnectionEvent, EventQueue } from './events.js';
import type { HandshakeState, LocalRequest, SessionSecrets } from './handshake-state.js';
import { type ConfigUpdate, HelloPause } from './hello-pause.js';
import { IdleRecordGuard } from './idle-records.js';
import { InboundRecords } from './inbound-records.js';
import { asAlert } from './messages/extensions.js';
import { HandshakeType } from './messages/handshake-type.js';
import { RecordLayer } from './record-layer.js';

export {
  andThen,
  expectType,
  type HandshakeState,
  type LocalRequest,
  type SessionSecrets,
} from './handshake-state.js';

export class ConnectionCore {
  readonly record: RecordLayer;
  /** The current state; only step() changes it. */
  private current: HandshakeState;
  /** The close state: close_notify received (read), close_notify or a fatal alert sent (write), the failure. */
  private readonly closing: { read: boolean; write: boolean; failed: TlsAlert | undefined } = {
    read: false,
    write: false,
    failed: undefined,
  };
  private readonly events = new EventQueue();
  /** Counts records and messages that move nothing (flood bound, `maxIdleRecords`). */
  readonly idleRecords: IdleRecordGuard;
  private busy: Promise<void> | undefined;
  /** Exporter (and TLS 1.2 master) secrets, once the handshake derived them. */
  secrets: SessionSecrets | undefined;

  /**
   * The `handshake: 'hello'` pause, resolved by `continue()` / rejected by `cancel()`; only with
   * that option (a connection without it keeps none).
   */
  private readonly pause: HelloPause | undefined;
  /** Dispatches each record that is not a handshake message (inbound-records.ts). */
  private readonly inbound: InboundRecords;

  constructor(
    /** The configuration the connection was created with; never replaced (see continueHandshake). */
    readonly config: ConnectionConfig,
    readonly role: 'client' | 'server',
    initial: (core: ConnectionCore) => HandshakeState,
  ) {
    this.record = new RecordLayer(config.maxHandshakeSize ?? 256 * 1024);
    this.idleRecords = new IdleRecordGuard(config.maxIdleRecords);
    this.inbound = new InboundRecords(this);
    this.pause = config.handshake === 'hello' ? new HelloPause() : undefined;
    this.current = initial(this);
  }

  /**
   * `length` random bytes: `config.random`, else the provider's. (Methods, not per-connection
   * closures: an idle connection should keep no function objects of its own.)
   */
  random(length: number): Uint8Array {
    const random = this.config.random;
    return random === undefined ? this.config.provider.randomBytes(length) : random(length);
  }

  /** The time in ms: `config.clock`, else Date.now(). */
  now(): number {
    const clock = this.config.clock;
    return clock === undefined ? Date.now() : clock.now();
  }

  /** The crypto provider from the configuration. */
  get provider(): CryptoProvider {
    return this.config.provider;
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
    return this.pause?.wait(() => this.emit(event));
  }

  /** Resumes a paused handshake, handing `extra` to the waiting state (see helloPause). */
  continueHandshake(extra: ConfigUpdate): void {
    if (this.pause === undefined) throw new ConnectionStateError('the handshake is not paused');
    this.pause.resume(extra);
  }

  /**
   * Abandons the handshake with user_canceled + close_notify (RFC 8446 §6.1: canceling "for some
   * reason unrelated to a protocol failure", e.g. a handshake timeout). Throws when the handshake
   * is neither paused nor in progress.
   */
  cancelHandshake(reason = 'handshake canceled'): void {
    if (this.pause?.paused === true) {
      this.pause.cancel();
      return;
    }
    if (this.handshakeComplete || this.failed !== undefined) throw new ConnectionStateError('no handshake to cancel');
    this.fail(new TlsAlert('user_canceled', reason));
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

  /** The peer's close_notify (RFC 8446 §6.1): its direction is over; ours stays open (half-close). */
  peerClosed(): void {
    this.closing.read = true;
    this.emit({ type: 'closed' });
  }

  /** A fatal alert from the peer (RFC 8446 §6.2): both directions end and nothing is sent back. */
  peerFailed(alert: TlsAlert): void {
    this.closing.failed = alert;
    this.closing.read = true;
    this.closing.write = true;
    this.emit({ type: 'error', error: alert });
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
    // Whole records are opened where they lie in `bytes`; what is left unread when this returns (a
    // record cut by the chunk's end, records behind a pending step) is copied, so the caller may
    // reuse `bytes` at once.
    this.record.lend(bytes);
    const driven = this.busy ?? this.drive();
    this.record.keepUnread();
    return driven;
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
    if (isPromiseLike(record)) return record.then((r) => (r === null ? undefined : this.inbound.handle(r)));
    return this.inbound.handle(record) ?? true;
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
}
