/**
 * DtlsConnection: one DTLS 1.2 association, sans-IO (RFC 6347). Datagrams go in with
 * {@link DtlsConnection.receive} and come out of {@link DtlsConnection.takeDatagrams}; the
 * retransmission timer is only requested — a `timer` event says when to call
 * {@link DtlsConnection.handleTimeout} (or that no timer is needed) — never set here.
 *
 * @example
 * const client = DtlsConnection.client({ provider, serverName: 'example.com', verifyCertificate });
 * client.start();
 * for (const d of client.takeDatagrams()) socket.send(d);
 * socket.on('message', (d) => { client.receive(d); for (const out of client.takeDatagrams()) socket.send(out); });
 * @module
 */
import { messages } from '@sslsocket/handshake';
import { exportKeyingMaterial12, type MasterKeys, toHex } from '@sslsocket/handshake/tls12-kit';
import { ContentType } from '@sslsocket/record';
import { type CryptoProvider, isPromiseLike, TlsAlert } from '@sslsocket/suites';
import { type DtlsConfig, DtlsTimeoutError } from './config.js';
import { type DtlsEvent, readAlert } from './events.js';
import { startClient } from './handshake/client.js';
import { Established } from './handshake/common.js';
import {
  type DtlsContext,
  DtlsHandshakeData,
  type DtlsHandshakeDriver,
  type DtlsParameters,
  parametersOf,
} from './handshake/context.js';
import { admitDatagram, CookieGate } from './handshake/cookie.js';
import { FlightSender } from './handshake/flight-sender.js';
import { type DtlsMessage, messageBytes as messageBytesOf } from './handshake/fragments.js';
import { InboundMessages } from './handshake/inbound.js';
import { clientSession, storeServerSession } from './handshake/resume.js';
import { ExpectClientHello } from './handshake/server.js';
import type { DtlsProtection } from './record/protection.js';
import { DtlsRecordLayer, type OpenedDtlsRecord } from './record/record-layer.js';
import { SRTP_EXPORTER_LABEL, type SrtpKeyingMaterial, splitSrtpKeyingMaterial, srtpMaterialLength } from './srtp.js';

/** Largest application data record (RFC 6347 §4.1: 2^14 bytes of plaintext). */
export const MAX_DTLS_PLAINTEXT = 16384;

export class DtlsConnection implements DtlsContext {
  readonly provider: CryptoProvider;
  readonly records = new DtlsRecordLayer();
  readonly hs: DtlsHandshakeData;
  private driver: DtlsHandshakeDriver;
  private readonly inbound: InboundMessages;
  private readonly flights: FlightSender;
  private readonly gate: CookieGate | undefined;
  private pendingRead: DtlsProtection | undefined;
  private ccsSeen = false;
  private pendingWrites: Uint8Array[] | undefined = [];
  private earlyData: Uint8Array[] = [];
  private output: Uint8Array[] = [];
  /**
   * While an asynchronous hook runs: the work it holds up, the rest of the records of the datagram
   * that started it, and datagrams that came meanwhile — all processed in order once it is done.
   */
  private busy: Promise<void> | undefined;
  private heldRecords: OpenedDtlsRecord[] = [];
  private backlog: Uint8Array[] = [];
  private events: DtlsEvent[] = [];
  private secrets: MasterKeys | undefined;
  private params: DtlsParameters | undefined;
  /** The fatal error, once failed. */
  failed: TlsAlert | Error | undefined;
  readClosed = false;
  writeClosed = false;

  constructor(
    readonly config: DtlsConfig,
    readonly role: 'client' | 'server',
  ) {
    this.provider = config.provider;
    this.hs = new DtlsHandshakeData(config.provider);
    this.flights = new FlightSender(
      this.records,
      Math.max(256, config.mtu ?? 1200),
      config.retransmitInitial ?? 1000,
      config.retransmitMax ?? 60_000,
    );
    this.inbound = new InboundMessages(
      config.maxHandshakeSize ?? 256 * 1024,
      role === 'client',
      this.flights,
      this.records,
    );
    this.gate =
      role === 'server' && config.cookies !== false ? (config.cookies ?? new CookieGate(config.provider)) : undefined;
    this.driver = role === 'server' ? new ExpectClientHello() : { name: 'Start', handle: () => this.driver };
  }

  static client(config: DtlsConfig): DtlsConnection {
    return new DtlsConnection(config, 'client');
  }

  static server(config: DtlsConfig): DtlsConnection {
    return new DtlsConnection(config, 'server');
  }

  // ---- state ----

  get handshakeComplete(): boolean {
    return this.params !== undefined;
  }

  /** What the handshake agreed, once complete. */
  get parameters(): DtlsParameters | undefined {
    return this.params;
  }

  /** The current handshake state's name (tests and diagnostics). */
  get stateName(): string {
    return this.driver.name;
  }

  get peerChangedCipherSpec(): boolean {
    return this.ccsSeen;
  }

  random(length: number): Uint8Array {
    return this.config.random?.(length) ?? this.provider.randomBytes(length);
  }

  takeDatagrams(): Uint8Array[] {
    const out = this.output;
    this.output = [];
    return out;
  }

  takeEvents(): DtlsEvent[] {
    const out = this.events;
    this.events = [];
    return out;
  }

  // ---- the application's side ----

  /** Client: sends the first ClientHello. */
  start(): void {
    if (this.role !== 'client' || this.driver.name !== 'Start') return;
    this.guard(() => {
      this.driver = startClient(this);
    });
  }

  /** Sends one datagram's worth of application data (held until the handshake completes). */
  write(data: Uint8Array): void {
    if (this.writeClosed || this.failed !== undefined) throw new Error('DTLS connection closed for writing');
    if (data.length > MAX_DTLS_PLAINTEXT) throw new RangeError(`DTLS record data of ${data.length} bytes (max 16384)`);
    if (this.pendingWrites !== undefined) {
      this.pendingWrites.push(data.slice());
      return;
    }
    this.output.push(this.records.seal(ContentType.application_data, data));
  }

  /** Sends close_notify (RFC 5246 §7.2.1). */
  close(): void {
    if (this.writeClosed || this.failed !== undefined) return;
    this.sendAlert(new TlsAlert('close_notify'));
    this.writeClosed = true;
    this.stopTimer();
  }

  /** RFC 5705 keying material exporter (TLS 1.2's, RFC 6347 §4.2). */
  exportKeyingMaterial(label: string, context: Uint8Array | undefined, length: number): Uint8Array {
    if (this.secrets === undefined) throw new Error('the DTLS handshake has not completed');
    return exportKeyingMaterial12(this.provider, this.secrets, label, context, length);
  }

  /** RFC 5764 §4.2: the SRTP keys and salts, when use_srtp was negotiated. */
  srtpKeyingMaterial(): SrtpKeyingMaterial | undefined {
    const profile = this.params?.srtpProfile;
    if (profile === undefined) return undefined;
    const material = this.exportKeyingMaterial(SRTP_EXPORTER_LABEL, undefined, srtpMaterialLength(profile));
    return splitSrtpKeyingMaterial(profile, material);
  }

  /** The retransmission timer fired (RFC 6347 §4.2.4.1): resend the flight, back off. */
  handleTimeout(): void {
    if (!this.flights.waiting || this.failed !== undefined) return;
    if (this.flights.retransmits >= (this.config.maxRetransmits ?? 10)) {
      this.fail(new DtlsTimeoutError(this.flights.retransmits));
      return;
    }
    const delay = this.flights.backOff();
    this.resend();
    this.events.push({ type: 'timer', delay });
  }

  // ---- receiving ----

  /**
   * Resolves when an asynchronous hook the handshake waits on has finished (undefined when none
   * runs); take datagrams and events again then.
   */
  get pending(): Promise<void> | undefined {
    return this.busy;
  }

  /** A datagram from the peer. Never throws: invalid input is dropped, failures become events. */
  receive(datagram: Uint8Array): void {
    if (this.failed !== undefined || this.readClosed) return;
    if (this.busy !== undefined) {
      // Held (bounded) until the hook is done, then processed in order.
      if (this.backlog.length < 64) this.backlog.push(datagram.slice());
      return;
    }
    // RFC 6347 §4.2.1: until a ClientHello carries our cookie the server holds no state.
    if (this.gate !== undefined && !this.inbound.seqSynced) {
      const verdict = admitDatagram(this.gate, this.config.peerAddress ?? 'peer', datagram);
      if (verdict.kind === 'reply') this.output.push(verdict.datagram);
      if (verdict.kind !== 'accept') return;
    }
    this.guard(() => this.handleRecords(this.records.open(datagram)));
  }

  /**
   * Handles records in order; once an asynchronous step starts (a certificate check, a session
   * store), the rest wait for it — the next message belongs to the state it returns.
   */
  private handleRecords(records: readonly OpenedDtlsRecord[]): void {
    for (let i = 0; i < records.length; i++) {
      if (this.busy !== undefined) {
        this.heldRecords.push(...records.slice(i));
        return;
      }
      this.handleRecord(records[i] as OpenedDtlsRecord);
    }
  }

  /** The asynchronous step is done: the messages, records and datagrams it held, in that order. */
  private resume(): void {
    this.guard(() => {
      if (!this.runMessages()) return;
      const records = this.heldRecords;
      this.heldRecords = [];
      this.handleRecords(records);
    });
    const held = this.backlog;
    this.backlog = [];
    for (const d of held) this.receive(d);
  }

  private handleRecord(r: OpenedDtlsRecord): void {
    if (this.failed !== undefined || this.readClosed) return;
    // Once keys are in use, old-epoch records other than handshake retransmissions are spoofable
    // noise (RFC 6347 §4.1.2.7): dropped silently, not acted on.
    const oldEpoch = r.epoch < this.records.readEpoch;
    if (
      oldEpoch &&
      !(r.type === ContentType.handshake && this.inbound.oldEpochAllowed(r.plaintext, this.handshakeComplete))
    ) {
      this.records.dropped++;
      return;
    }
    switch (r.type) {
      case ContentType.handshake:
        this.handleHandshake(r.plaintext, r.sequence);
        return;
      case ContentType.change_cipher_spec:
        this.handleChangeCipherSpec(r.plaintext);
        return;
      case ContentType.alert:
        this.handleAlert(r.plaintext);
        return;
      case ContentType.application_data:
        if (r.epoch === 0) return;
        if (this.handshakeComplete) this.events.push({ type: 'data', data: r.plaintext.slice() });
        // Protected data that overtook the peer's Finished: held (bounded) until it is checked.
        else if (this.earlyData.length < 16) this.earlyData.push(r.plaintext.slice());
        return;
      default:
        // Unknown content types are dropped (RFC 6347 §4.1.2.7).
        return;
    }
  }

  private handleHandshake(plaintext: Uint8Array, recordSequence: number): void {
    const { old, fresh } = this.inbound.push(plaintext, recordSequence);
    // The peer's next flight has begun: our flight arrived, stop retransmitting it.
    if (fresh && this.flights.waiting) this.stopTimer();
    if (!this.runMessages()) return;
    // RFC 6347 §4.2.4: a retransmitted flight from the peer means ours was lost; once the handshake
    // is over only the side that sent the last (untimed) flight has one the peer still needs.
    if (old && !fresh && this.flights.answersRepeat(this.handshakeComplete)) {
      this.resend();
    }
  }

  /** Hands complete messages to the driver; false when an asynchronous step took over. */
  private runMessages(): boolean {
    if (this.busy !== undefined) return false;
    for (let m = this.inbound.next(); m !== null; m = this.inbound.next()) {
      const next = this.driver.handle(this, m);
      if (isPromiseLike(next)) {
        this.busy = next.then(
          (driver) => {
            this.driver = driver;
            this.busy = undefined;
            this.resume();
          },
          (error: unknown) => {
            this.busy = undefined;
            this.fail(error);
          },
        );
        return false;
      }
      this.driver = next;
      if (this.failed !== undefined) return false;
    }
    return true;
  }

  private handleChangeCipherSpec(plaintext: Uint8Array): void {
    if (plaintext.length !== 1 || plaintext[0] !== 1 || this.pendingRead === undefined) return;
    const held = this.records.nextReadEpoch(this.pendingRead);
    this.pendingRead = undefined;
    this.ccsSeen = true;
    this.handleRecords(held);
  }

  private handleAlert(plaintext: Uint8Array): void {
    const alert = readAlert(plaintext);
    if (alert === undefined) return;
    if (alert.description === 'close_notify') {
      this.readClosed = true;
      this.stopTimer();
      this.events.push({ type: 'closed' });
      return;
    }
    if (alert.level === 'warning') {
      this.events.push({ type: 'alert', alert });
      return;
    }
    this.failed = alert;
    this.readClosed = true;
    this.writeClosed = true;
    this.stopTimer();
    this.events.push({ type: 'error', error: alert });
  }

  // ---- DtlsContext: what the handshake drivers call ----

  queue(type: number, body: Uint8Array, inTranscript = true): DtlsMessage {
    const message = this.flights.addMessage(type, body);
    if (inTranscript) this.hs.update(messageBytesOf(message));
    return message;
  }

  queueChangeCipherSpec(protection: DtlsProtection): void {
    this.flights.addChangeCipherSpec();
    this.records.nextWriteEpoch(protection);
  }

  sendFlight(awaitReply: boolean): void {
    this.inbound.ourFlightSent();
    const { datagrams, delay } = this.flights.send(awaitReply);
    for (const d of datagrams) this.output.push(d);
    this.events.push({ type: 'timer', delay });
  }

  setPendingRead(protection: DtlsProtection): void {
    this.pendingRead = protection;
  }

  keylog(label: string, clientRandom: Uint8Array, secret: Uint8Array): void {
    if (this.config.keylog === undefined) return;
    const line = `${label} ${toHex(clientRandom)} ${toHex(secret)}`;
    this.config.keylog(line);
    this.events.push({ type: 'keylog', line });
  }

  complete(): void {
    this.secrets = this.hs.keys;
    this.params = parametersOf(this.hs);
    // The peer's Finished answered our timed flight (a full handshake's client, a resumed one's server).
    this.stopTimer();
    this.events.push({ type: 'handshakeComplete', parameters: this.params });
    if (this.role === 'server') storeServerSession(this);
    const session = this.role === 'client' ? clientSession(this) : undefined;
    if (session !== undefined) this.events.push({ type: 'session', session });
    for (const data of this.earlyData) this.events.push({ type: 'data', data });
    this.earlyData = [];
    const pending = this.pendingWrites ?? [];
    this.pendingWrites = undefined;
    for (const d of pending) this.write(d);
  }

  // ---- internals ----

  private resend(): void {
    for (const d of this.flights.resend()) this.output.push(d);
  }

  private stopTimer(): void {
    if (!this.flights.stop()) return;
    this.events.push({ type: 'timer', delay: undefined });
  }

  sendAlert(alert: TlsAlert): void {
    try {
      this.output.push(
        this.records.seal(ContentType.alert, Uint8Array.of(alert.level === 'warning' ? 1 : 2, alert.code)),
      );
    } catch {
      // The write epoch is unusable (sequence exhausted): nothing more can be sent.
    }
  }

  private guard(work: () => void): void {
    try {
      work();
    } catch (e) {
      this.fail(e);
    }
  }

  private fail(error: unknown): void {
    if (this.failed !== undefined) return;
    const failure = error instanceof DtlsTimeoutError ? error : messages.asAlert(error);
    this.failed = failure;
    if (failure instanceof TlsAlert && failure.sentByUs && !this.writeClosed) this.sendAlert(failure);
    this.writeClosed = true;
    this.readClosed = true;
    this.stopTimer();
    this.driver = new Established();
    this.events.push({ type: 'error', error: failure });
  }
}
