/**
 * ConnectionCore: what both sides share — the record layer, the handshake reassembler, the
 * transcript, the output buffer, the event queue, alerts and the close state. The side-specific
 * handshake lives in small state objects (tls13/, tls12/) that the core drives.
 * @module
 */
import {
  ContentType,
  type HandshakeMessageBytes,
  HandshakeReassembler,
  type RecordProtection,
  RecordReader,
  RecordWriter,
  Tls13Protection,
} from '@sslsocket/record';
import {
  type CipherSuite,
  type CryptoProvider,
  type HashAlgorithm,
  isPromiseLike,
  type MaybePromise,
  TlsAlert,
} from '@sslsocket/suites';
import { concat, toHex } from './bytes.js';
import type { ConnectionConfig } from './config.js';
import type { ConnectionEvent } from './events.js';
import { asAlert } from './messages/extensions.js';
import { HandshakeType } from './messages/handshake-type.js';
import type { MasterKeys } from './tls12/keys.js';
import { trafficKeys } from './tls13/key-schedule.js';
import { Transcript } from './transcript.js';

/** What the application can ask of the current state (see {@link HandshakeState.onLocalRequest}). */
export type LocalRequest = 'start' | 'renegotiate' | 'requestCertificate';

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
  readonly reader: RecordReader;
  readonly writer = new RecordWriter();
  readonly reassembler: HandshakeReassembler;
  readonly transcript: Transcript;
  readonly provider: CryptoProvider;
  readonly random: (length: number) => Uint8Array;
  readonly now: () => number;
  state: HandshakeState;
  handshakeComplete = false;
  /** We received close_notify. */
  readClosed = false;
  /** We sent close_notify (or a fatal alert). */
  writeClosed = false;
  failed: TlsAlert | undefined;
  suite: CipherSuite | undefined;
  hash: HashAlgorithm = 'SHA-256';
  /** Current application traffic secrets, for KeyUpdate. */
  readSecret: Uint8Array | undefined;
  writeSecret: Uint8Array | undefined;
  /** Data written before the handshake completed. */
  private pendingWrites: Uint8Array[] = [];
  private flight: Uint8Array[] = [];
  private output: Uint8Array[] = [];
  private readonly eventQueue: ConnectionEvent[] = [];
  private listener: ((event: ConnectionEvent) => void) | undefined;
  private busy: Promise<void> | undefined;
  private sealing: Promise<void>[] = [];
  /** KeyUpdates received in a row with no application data between them. */
  keyUpdatesInARow = 0;
  /** Our update_requested KeyUpdates not yet answered by a peer KeyUpdate. */
  unansweredKeyUpdates = 0;
  clientRandom: Uint8Array = new Uint8Array(32);
  /** Server: accepted 0-RTT bytes still allowed (RFC 8446 §4.2.10), or -1 when not accepting. */
  earlyDataRemaining = -1;
  /** Server: rejected 0-RTT bytes we may still skip by failed decryption (RFC 8446 §4.2.10). */
  skipEarlyDataBytes = 0;
  /** Server: after a HelloRetryRequest, plaintext-epoch 0-RTT records are ignored. */
  ignoreEarlyDataRecords = false;
  /** RFC 8446 §7.5 exporter_master_secret, once the server Finished is known. */
  exporterMasterSecret: Uint8Array | undefined;
  /** The negotiated version, once the ServerHello is sent or received. */
  version: 'tlsv1.3' | 'tlsv1.2' | undefined;
  /** TLS 1.2: the current master secret and randoms (exporters, Erlang prf). */
  keys12: MasterKeys | undefined;
  /** TLS 1.2: the read protection the peer's next ChangeCipherSpec installs. */
  pendingReadProtection: RecordProtection | undefined;
  /** TLS 1.2: set when a ChangeCipherSpec installed the pending read keys; the Finished state clears it. */
  changeCipherSpecReceived = false;
  /** TLS 1.2 server: times (ms) of recent client-initiated renegotiations, for the rate limit. */
  readonly renegotiationTimes: number[] = [];

  /** Pending `handshake: 'hello'` pause, resolved by `continue()` / rejected by `cancel()`. */
  private pause: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  private pauseTaken = false;

  constructor(
    public config: ConnectionConfig,
    readonly role: 'client' | 'server',
    initial: (core: ConnectionCore) => HandshakeState,
  ) {
    this.provider = config.provider;
    this.random = config.random ?? ((n) => config.provider.randomBytes(n));
    this.now = config.clock === undefined ? () => Date.now() : () => (config.clock as { now(): number }).now();
    this.reader = new RecordReader();
    // RFC 8446 §5: a TLS 1.3 peer may send plaintext ChangeCipherSpec during the handshake.
    this.reader.allowPlaintextChangeCipherSpec = true;
    this.reassembler = new HandshakeReassembler(config.maxHandshakeSize ?? 256 * 1024);
    this.transcript = new Transcript(config.provider);
    this.state = initial(this);
  }

  // ---- the `handshake: 'hello'` pause ----

  /**
   * Pauses at the peer's hello once when configured: emits the event and returns a Promise the
   * handshake waits on (like an asynchronous hook), or undefined when no pause applies.
   */
  helloPause(event: ConnectionEvent): Promise<void> | undefined {
    if (this.config.handshake !== 'hello' || this.pauseTaken) return undefined;
    this.pauseTaken = true;
    const waiting = new Promise<void>((resolve, reject) => {
      this.pause = { resolve, reject };
    });
    this.emit(event);
    return waiting;
  }

  /** Resumes a paused handshake, merging `extra` into the configuration. */
  continueHandshake(extra: Partial<ConnectionConfig>): void {
    const pause = this.pause;
    if (pause === undefined) throw new TlsAlert('internal_error', 'the handshake is not paused');
    this.pause = undefined;
    this.config = { ...this.config, ...extra };
    pause.resolve();
  }

  /** Abandons a paused handshake with user_canceled (RFC 8446 §6.1). */
  cancelHandshake(): void {
    const pause = this.pause;
    if (pause === undefined) throw new TlsAlert('internal_error', 'the handshake is not paused');
    this.pause = undefined;
    pause.reject(new TlsAlert('user_canceled', 'handshake canceled'));
  }

  // ---- events and output ----

  emit(event: ConnectionEvent): void {
    this.eventQueue.push(event);
    this.listener?.(event);
  }

  on(listener: (event: ConnectionEvent) => void): void {
    this.listener = listener;
  }

  takeEvents(): ConnectionEvent[] {
    return this.eventQueue.splice(0, this.eventQueue.length);
  }

  takeOutput(): Uint8Array | null {
    this.flush();
    if (this.sealing.length > 0) return null;
    if (this.writer.pendingBytes > 0) this.output.push(this.writer.takeOutput());
    if (this.output.length === 0) return null;
    const out = this.output.length === 1 ? (this.output[0] as Uint8Array) : concat(...this.output);
    this.output = [];
    return out;
  }

  /** Resolves once asynchronous seals are done (a no-op with synchronous providers). */
  async settle(): Promise<void> {
    while (this.sealing.length > 0) {
      const s = this.sealing;
      this.sealing = [];
      await Promise.all(s);
    }
    await this.writer.settle();
  }

  private writeRecords(type: number, data: Uint8Array): void {
    const r = this.writer.writeRecords(type, data);
    if (isPromiseLike(r)) this.sealing.push(r.then(() => this.writer.settle()));
  }

  /** Appends a handshake message to the transcript (the main one unless given) and the current flight. */
  queueHandshake(raw: Uint8Array, transcript: { update(m: Uint8Array): void } = this.transcript): void {
    transcript.update(raw);
    this.flight.push(raw);
  }

  /**
   * TLS 1.2 (RFC 5246 §7.1): flushes the flight under the old keys, sends ChangeCipherSpec and
   * switches the write side to `protection`.
   */
  changeWriteProtection12(protection: RecordProtection): void {
    this.flush();
    this.writeRecords(ContentType.change_cipher_spec, Uint8Array.of(1));
    this.writer.setProtection(protection);
  }

  /** Writes a handshake message that is not part of the transcript (KeyUpdate, NewSessionTicket). */
  writeHandshakeOutsideTranscript(raw: Uint8Array): void {
    this.flush();
    this.writeRecords(ContentType.handshake, raw);
  }

  /** Writes the buffered flight as handshake records under the current write keys. */
  flush(): void {
    if (this.flight.length === 0) return;
    const data = this.flight.length === 1 ? (this.flight[0] as Uint8Array) : concat(...this.flight);
    this.flight = [];
    this.writeRecords(ContentType.handshake, data);
  }

  /** RFC 8446 App. D.4: the dummy ChangeCipherSpec of middlebox compatibility mode. */
  sendChangeCipherSpec(): void {
    this.flush();
    this.writeRecords(ContentType.change_cipher_spec, Uint8Array.of(1));
  }

  // ---- keys ----

  private protection(secret: Uint8Array): Tls13Protection {
    const suite = this.suite as CipherSuite;
    const keys = trafficKeys(this.provider, this.hash, secret, suite.keyLength);
    return Tls13Protection.create(this.provider, suite.aead as NonNullable<CipherSuite['aead']>, keys.key, keys.iv);
  }

  setWriteSecret(secret: Uint8Array): void {
    this.flush();
    this.writer.setProtection(this.protection(secret));
    this.writeSecret = secret;
  }

  setReadSecret(secret: Uint8Array): void {
    // RFC 8446 §5.1: a handshake message must not span a key change.
    this.reassembler.assertNoPartialMessage();
    this.reader.setProtection(this.protection(secret));
    this.readSecret = secret;
  }

  /** SSLKEYLOGFILE line: `<LABEL> <client_random hex> <secret hex>`. */
  keylog(label: string, secret: Uint8Array): void {
    const line = `${label} ${toHex(this.clientRandom)} ${toHex(secret)}`;
    this.config.keylog?.(line);
    if (this.config.keylog !== undefined) this.emit({ type: 'keylog', line });
  }

  // ---- application data and close ----

  write(data: Uint8Array): void {
    if (this.writeClosed || this.failed !== undefined)
      throw new TlsAlert('internal_error', 'connection closed for writing');
    if (!this.handshakeComplete) {
      this.pendingWrites.push(data.slice());
      return;
    }
    if (data.length > 0) this.writeRecords(ContentType.application_data, data);
  }

  /** 0-RTT data (client), written under the early traffic keys already installed. */
  writeEarlyData(data: Uint8Array): void {
    this.writeRecords(ContentType.application_data, data);
  }

  /** Called by the states when the handshake is done: pending writes go out now. */
  completeHandshake(): void {
    this.handshakeComplete = true;
    // RFC 8446 §5: after the handshake, a ChangeCipherSpec is unexpected_message.
    this.reader.allowPlaintextChangeCipherSpec = false;
    const pending = this.pendingWrites;
    this.pendingWrites = [];
    for (const d of pending) if (d.length > 0) this.writeRecords(ContentType.application_data, d);
  }

  sendAlert(alert: TlsAlert): void {
    this.flush();
    this.writeRecords(ContentType.alert, Uint8Array.of(alert.level === 'warning' ? 1 : 2, alert.code));
  }

  /** Sends close_notify (RFC 8446 §6.1); reading continues until the peer closes (half-close). */
  close(): void {
    if (this.writeClosed || this.failed !== undefined) return;
    this.sendAlert(new TlsAlert('close_notify'));
    this.writeClosed = true;
  }

  /** Turns any error into a fatal alert (sent unless it came from the peer) and an error event. */
  fail(error: unknown): void {
    if (this.failed !== undefined) return;
    const alert = asAlert(error);
    this.failed = alert;
    if (alert.sentByUs && !this.writeClosed) {
      this.flight = [];
      try {
        this.sendAlert(alert.code === 0 ? new TlsAlert('internal_error') : alert);
        // RFC 8446 §6.1: user_canceled is a warning that must be followed by close_notify.
        if (alert.code === 90) this.sendAlert(new TlsAlert('close_notify'));
      } catch {
        // The write epoch may be unusable (e.g. sequence exhausted); nothing more can be sent.
      }
    }
    this.writeClosed = true;
    this.readClosed = true;
    this.emit({ type: 'error', error: alert });
  }

  // ---- receiving ----

  /** Feeds bytes from the peer. Never throws: failures become alerts and an error event. */
  receive(bytes: Uint8Array): MaybePromise<void> {
    if (this.failed !== undefined || this.readClosed) return;
    this.reader.feed(bytes);
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
  drive(requested?: MaybePromise<HandshakeState>): MaybePromise<void> {
    let first = requested;
    try {
      for (;;) {
        const step = this.step(first);
        first = undefined;
        if (step === false) {
          this.flush();
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
    if (isPromiseLike(next)) {
      return next.then((state) => {
        if (state !== undefined) this.state = state;
      });
    }
    if (next !== undefined) this.state = next;
    return true;
  }

  /**
   * Handles the next message or record: false when idle, true when nothing changes the state, else
   * the next state (or a Promise of it, undefined when the state stays).
   */
  private work(): boolean | MaybePromise<HandshakeState | undefined> {
    if (this.sealing.length > 0) {
      const s = this.sealing;
      this.sealing = [];
      return Promise.all(s).then(() => undefined);
    }
    const message = this.reassembler.next();
    // RFC 5246 §7.4.1.1: a client ignores HelloRequest while it is negotiating.
    if (message !== null && message.type === HandshakeType.hello_request && this.ignoresHelloRequest()) return true;
    if (message !== null) return this.state.handle(message);
    let record: ReturnType<RecordReader['next']>;
    const before = this.reader.buffered;
    try {
      record = this.reader.next();
    } catch (e) {
      // RFC 8446 §4.2.10: a server rejecting 0-RTT skips records it cannot decrypt, up to
      // max_early_data_size; the trial leaves the epoch's sequence number untouched.
      if (this.skipEarlyDataBytes > 0 && e instanceof TlsAlert && e.description === 'bad_record_mac') {
        this.skipEarlyDataBytes -= before - this.reader.buffered;
        this.setReadSecret(this.readSecret as Uint8Array);
        return true;
      }
      throw e;
    }
    if (record === null) return false;
    if (!isPromiseLike(record) && record.protected && this.skipEarlyDataBytes > 0) this.skipEarlyDataBytes = 0;
    if (isPromiseLike(record)) {
      return record.then((r) => (r === null ? undefined : this.handleRecord(r.contentType, r.fragment, r.protected)));
    }
    return this.handleRecord(record.contentType, record.fragment, record.protected) ?? true;
  }

  private ignoresHelloRequest(): boolean {
    return this.version === 'tlsv1.2' && this.role === 'client' && this.state.established !== true;
  }

  /** Handles one record; returns the next state when a warning alert changes it. */
  private handleRecord(type: number, fragment: Uint8Array, isProtected: boolean): HandshakeState | undefined {
    // RFC 8446 §5.1: handshake messages must not be interleaved with other record types.
    if (type !== ContentType.handshake && this.reassembler.hasPartialMessage) {
      throw new TlsAlert('unexpected_message', 'record interleaved with a fragmented handshake message');
    }
    switch (type) {
      case ContentType.handshake:
        this.reassembler.push(fragment);
        return;
      case ContentType.application_data:
        if (this.ignoreEarlyDataRecords && !isProtected) return;
        if (this.earlyDataRemaining >= 0 && !this.handshakeComplete && isProtected) {
          this.earlyDataRemaining -= fragment.length;
          if (this.earlyDataRemaining < 0) throw new TlsAlert('unexpected_message', 'too much early data');
          if (fragment.length > 0) this.emit({ type: 'data', data: fragment.slice() });
          return;
        }
        if (!this.handshakeComplete || !isProtected) {
          throw new TlsAlert('unexpected_message', 'application data before the handshake completed');
        }
        this.keyUpdatesInARow = 0;
        if (fragment.length > 0) this.emit({ type: 'data', data: fragment.slice() });
        return;
      case ContentType.alert:
        return this.handleAlert(fragment);
      case ContentType.change_cipher_spec:
        if (this.version === 'tlsv1.2') {
          this.handleChangeCipherSpec12(fragment);
          return;
        }
        // RFC 8446 §5: only an unprotected single 0x01 byte, only during the handshake.
        if (isProtected || this.handshakeComplete) throw new TlsAlert('unexpected_message', 'ChangeCipherSpec');
        if (fragment.length !== 1 || fragment[0] !== 1)
          throw new TlsAlert('unexpected_message', 'bad ChangeCipherSpec');
        return;
      default:
        throw new TlsAlert('unexpected_message', `record type ${type}`);
    }
  }

  /** RFC 5246 §7.1: ChangeCipherSpec switches the read side to the pending keys, only when expected. */
  private handleChangeCipherSpec12(fragment: Uint8Array): void {
    if (fragment.length !== 1 || fragment[0] !== 1) throw new TlsAlert('decode_error', 'bad ChangeCipherSpec');
    const pending = this.pendingReadProtection;
    if (pending === undefined || this.changeCipherSpecReceived) {
      throw new TlsAlert('unexpected_message', 'ChangeCipherSpec not expected here');
    }
    // RFC 5246 §7.1: the handshake message before Finished must be complete at the key change.
    if (this.reassembler.hasPartialMessage) {
      throw new TlsAlert('unexpected_message', 'ChangeCipherSpec inside a fragmented handshake message');
    }
    this.reader.setProtection(pending);
    this.pendingReadProtection = undefined;
    this.changeCipherSpecReceived = true;
  }

  private handleAlert(fragment: Uint8Array): HandshakeState | undefined {
    if (fragment.length !== 2) throw new TlsAlert('decode_error', 'alert record must be 2 bytes');
    const level = fragment[0] as number;
    const code = fragment[1] as number;
    if (level !== 1 && level !== 2) throw new TlsAlert('illegal_parameter', `alert level ${level}`);
    const alert = new TlsAlert(code, undefined, { level: level === 1 ? 'warning' : 'fatal', sentByUs: false });
    this.emit({ type: 'alertReceived', alert });
    if (code === 0) {
      // RFC 8446 §6.1: close_notify ends the peer's writing; we may keep writing (half-close).
      this.readClosed = true;
      this.emit({ type: 'closed' });
      return;
    }
    if (code === 90) return; // user_canceled: a warning, followed by close_notify (RFC 8446 §6.1)
    // RFC 5246 §7.2: in TLS 1.2 warning alerts (e.g. no_renegotiation) do not end the connection.
    if (this.version === 'tlsv1.2' && level === 1) return this.state.onWarningAlert?.(alert);
    // RFC 8446 §6.2: every other alert is fatal in TLS 1.3, whatever level it claims.
    this.failed = alert;
    this.readClosed = true;
    this.writeClosed = true;
    this.emit({ type: 'error', error: alert });
  }
}
