/**
 * RecordLayer: everything between the handshake states and the wire — the record reader and
 * writer, the handshake reassembler, the outgoing flight, sealed output, application data held
 * until the handshake completes, ChangeCipherSpec (TLS 1.3 compatibility records, TLS 1.2 pending
 * read keys), the record size limits, and the TLS 1.3 server's 0-RTT gate. States call its
 * methods; only it touches the reader and the writer.
 * @module
 */
import {
  ContentType,
  type HandshakeMessageBytes,
  HandshakeReassembler,
  type InboundRecord,
  MAX_PLAINTEXT,
  NullProtection,
  type RecordProtection,
  RecordReader,
  RecordWriter,
} from '@sslsocket/record';
import { isPromiseLike, type MaybePromise, TlsAlert } from '@sslsocket/suites';
import { concat } from './bytes.js';

/** The empty list every record layer starts with; never pushed to (each push site replaces it first). */
const NONE: never[] = [];

/** The record size limits one handshake agreed (RFC 8449 §4, RFC 6066 §4). */
export interface RecordLimits {
  readonly version: 'tlsv1.3' | 'tlsv1.2';
  /** The peer's record_size_limit: caps what we write. */
  readonly peerRecordSizeLimit: number | undefined;
  /** Our record_size_limit, binding once the peer sent its own. */
  readonly ownRecordSizeLimit: number | undefined;
  /** A negotiated RFC 6066 max_fragment_length, in bytes: caps both directions. */
  readonly maxFragmentLength?: number | undefined;
}

/**
 * What the record layer asks a TLS 1.3 server about 0-RTT records (RFC 8446 §4.2.10): skipping
 * rejected early data it cannot decrypt, counting accepted early data, dropping 0-RTT after a
 * HelloRetryRequest.
 */
export interface EarlyDataGate {
  /** A record failed to open after `bytes` were consumed: true when it is skipped as rejected 0-RTT. */
  skipUnreadable(bytes: number): boolean;
  /** A record opened; a protected one ends the skipping of rejected 0-RTT. */
  opened(isProtected: boolean): void;
  /**
   * Application data: 'early' when it is accepted 0-RTT data (counted against the limit), 'ignore'
   * when it is dropped, undefined when it is not 0-RTT at all.
   */
  classify(fragment: Uint8Array, isProtected: boolean, handshakeComplete: boolean): 'early' | 'ignore' | undefined;
}

/** A record the reader returned, or 'skipped' for a rejected 0-RTT record. */
export type NextRecord = MaybePromise<InboundRecord | null> | 'skipped';

/** Anything that takes our outgoing handshake messages into a transcript. */
export interface TranscriptSink {
  update(message: Uint8Array): void;
}

export class RecordLayer {
  private readonly reader = new RecordReader();
  private readonly writer = new RecordWriter();
  private readonly reassembler: HandshakeReassembler;
  // The three lists are the shared empty NONE until something is pushed: an idle connection keeps
  // none of its own (#17).
  private flight: Uint8Array[] = NONE;
  private output: Uint8Array[] = NONE;
  private sealing: Promise<void>[] = NONE;
  /** Application data written before the handshake completed. */
  private pendingWrites: Uint8Array[] | undefined = [];
  /** TLS 1.2: the read protection the peer's next ChangeCipherSpec installs. */
  private pendingRead: RecordProtection | undefined;
  /** TLS 1.2: a ChangeCipherSpec installed the pending keys; the peer's Finished must come next. */
  private changeCipherSpecSeen = false;
  /** The negotiated version, once the ServerHello is sent or received. */
  version: 'tlsv1.3' | 'tlsv1.2' | undefined;
  /** TLS 1.3 server: consulted for 0-RTT records. */
  earlyData: EarlyDataGate | undefined;
  /** The peer has sent a protected record (from then on its alerts are protected too). */
  private peerSentProtected = false;

  constructor(maxHandshakeSize: number) {
    // RFC 8446 §5: a TLS 1.3 peer may send plaintext ChangeCipherSpec during the handshake.
    this.reader.allowPlaintextChangeCipherSpec = true;
    this.reassembler = new HandshakeReassembler(maxHandshakeSize);
  }

  // ---- state ----

  /** True once the handshake completed and application data flows. */
  get handshakeComplete(): boolean {
    return this.pendingWrites === undefined;
  }

  /** True while received bytes wait in the reader or in a partial handshake message. */
  get hasPendingInput(): boolean {
    return this.reader.buffered > 0 || this.reassembler.hasPartialMessage;
  }

  /**
   * After close_notify: the received bytes that followed it, which are no longer TLS (RFC 8446
   * §6.1) and which a plaintext downgrade hands to the application.
   */
  takeUnread(): Uint8Array {
    return this.reader.takeUnread();
  }

  /** Records the negotiated version; TLS 1.2 has no plaintext ChangeCipherSpec exception. */
  negotiated(version: 'tlsv1.3' | 'tlsv1.2'): void {
    this.version = version;
    if (version === 'tlsv1.2') this.reader.allowPlaintextChangeCipherSpec = false;
  }

  /**
   * Applies the agreed record size limits (RFC 8449 §4): the peer's caps our records, ours binds the
   * peer once it sent its own; in TLS 1.3 both count the inner content type byte. A negotiated
   * max_fragment_length (RFC 6066 §4) caps both directions.
   */
  applyRecordLimits(limits: RecordLimits): void {
    const contentTypeByte = limits.version === 'tlsv1.3' ? 1 : 0;
    if (limits.peerRecordSizeLimit !== undefined) {
      this.writer.maxFragment = Math.min(MAX_PLAINTEXT, limits.peerRecordSizeLimit - contentTypeByte);
      if (limits.ownRecordSizeLimit !== undefined) {
        this.reader.maxPlaintext = Math.min(MAX_PLAINTEXT, limits.ownRecordSizeLimit - contentTypeByte);
      }
    }
    const mfl = limits.maxFragmentLength;
    if (mfl !== undefined) {
      this.writer.maxFragment = Math.min(this.writer.maxFragment, mfl);
      this.reader.maxPlaintext = Math.min(this.reader.maxPlaintext, mfl);
    }
  }

  // ---- keys ----

  /** Switches the read side (RFC 8446 §5.1: a handshake message must not span a key change). */
  setReadProtection(protection: RecordProtection): void {
    this.reassembler.assertNoPartialMessage();
    this.reader.setProtection(protection);
    // TLS 1.3 (RFC 8446 §6): a peer that could not use our ServerHello has no keys and alerts in
    // plaintext; that alert is the peer's, not unexpected_message, until its first protected record.
    if (protection.encrypted && !this.handshakeComplete && !this.peerSentProtected)
      this.reader.allowPlaintextAlert = true;
  }

  /** Switches the write side after the flight so far went out under the old keys. */
  setWriteProtection(protection: RecordProtection): void {
    this.flush();
    this.writer.setProtection(protection);
  }

  /** Plaintext records with this legacy_record_version (RFC 8446 §5.1: 0x0301 for the first ClientHello). */
  setPlaintextWrite(legacyVersion: number): void {
    this.writer.setProtection(new NullProtection(legacyVersion));
  }

  /** TLS 1.2: the keys the peer's ChangeCipherSpec switches the read side to (RFC 5246 §7.1). */
  setPendingReadProtection(protection: RecordProtection): void {
    this.pendingRead = protection;
  }

  /**
   * TLS 1.2 (RFC 5246 §7.4.9): whether a ChangeCipherSpec came before this Finished; consumes the
   * mark so the next handshake needs its own.
   */
  takeChangeCipherSpec(): boolean {
    const seen = this.changeCipherSpecSeen;
    this.changeCipherSpecSeen = false;
    return seen;
  }

  // ---- writing ----

  private writeRecords(type: number, data: Uint8Array): void {
    const r = this.writer.writeRecords(type, data);
    if (isPromiseLike(r)) {
      const sealed = r.then(() => this.writer.settle());
      if (this.sealing === NONE) this.sealing = [sealed];
      else this.sealing.push(sealed);
    }
  }

  /** Appends a handshake message to `transcript` and the current flight. */
  queueHandshake(raw: Uint8Array, transcript: TranscriptSink): void {
    transcript.update(raw);
    if (this.flight === NONE) this.flight = [raw];
    else this.flight.push(raw);
  }

  /** Writes the buffered flight as handshake records under the current write keys. */
  flush(): void {
    if (this.flight.length === 0) return;
    const data = this.flight.length === 1 ? (this.flight[0] as Uint8Array) : concat(...this.flight);
    this.flight = NONE;
    this.writeRecords(ContentType.handshake, data);
  }

  /** Forgets the unsent flight (a fatal alert replaces it). */
  dropFlight(): void {
    this.flight = NONE;
  }

  /** Writes a handshake message that is not part of the transcript (KeyUpdate, NewSessionTicket). */
  writeHandshakeOutsideTranscript(raw: Uint8Array): void {
    this.flush();
    this.writeRecords(ContentType.handshake, raw);
  }

  /** RFC 8446 App. D.4: the dummy ChangeCipherSpec of middlebox compatibility mode. */
  sendChangeCipherSpec(): void {
    this.flush();
    this.writeRecords(ContentType.change_cipher_spec, Uint8Array.of(1));
  }

  /**
   * TLS 1.2 (RFC 5246 §7.1): flushes the flight under the old keys, sends ChangeCipherSpec and
   * switches the write side to `protection`.
   */
  changeWriteProtection12(protection: RecordProtection): void {
    this.sendChangeCipherSpec();
    this.writer.setProtection(protection);
  }

  sendAlert(alert: TlsAlert): void {
    this.flush();
    this.writeRecords(ContentType.alert, Uint8Array.of(alert.level === 'warning' ? 1 : 2, alert.code));
  }

  /** Application data: written now, or held until the handshake completes. */
  write(data: Uint8Array): void {
    if (this.pendingWrites !== undefined) {
      this.pendingWrites.push(data.slice());
      return;
    }
    if (data.length > 0) this.writeRecords(ContentType.application_data, data);
  }

  /** 0-RTT data (client), written under the early traffic keys already installed. */
  writeEarlyData(data: Uint8Array): void {
    this.writeRecords(ContentType.application_data, data);
  }

  /** The handshake is done: held application data goes out now. */
  completeHandshake(): void {
    // RFC 8446 §5: after the handshake, a ChangeCipherSpec is unexpected_message.
    this.reader.allowPlaintextChangeCipherSpec = false;
    this.reader.allowPlaintextAlert = false;
    const pending = this.pendingWrites ?? [];
    this.pendingWrites = undefined;
    for (const d of pending) if (d.length > 0) this.writeRecords(ContentType.application_data, d);
  }

  /** Bytes to send, or null when there are none or sealing is still running. */
  takeOutput(): Uint8Array | null {
    this.flush();
    // Seals a settle() already took (takeSealing) may still run: whoever awaits them takes the
    // output afterwards (a send issued meanwhile starts its own flush after this one).
    if (this.sealing.length > 0 || this.writer.sealing) return null;
    if (this.writer.pendingBytes > 0) {
      if (this.output === NONE) this.output = [this.writer.takeOutput()];
      else this.output.push(this.writer.takeOutput());
    }
    if (this.output.length === 0) return null;
    const out = this.output.length === 1 ? (this.output[0] as Uint8Array) : concat(...this.output);
    this.output = NONE;
    return out;
  }

  /**
   * True while any record is still being sealed asynchronously, including seals the driver already
   * took with takeSealing(): takeOutput() then has to wait for settle().
   */
  get sealingInProgress(): boolean {
    return this.sealing.length > 0 || this.writer.sealing;
  }

  /** Seals started since the last call, as one Promise, or undefined when none run. */
  takeSealing(): Promise<unknown> | undefined {
    if (this.sealing.length === 0) return undefined;
    const s = this.sealing;
    this.sealing = NONE;
    return Promise.all(s);
  }

  /** Resolves once asynchronous seals are done (a no-op with synchronous providers). */
  async settle(): Promise<void> {
    for (let s = this.takeSealing(); s !== undefined; s = this.takeSealing()) await s;
    await this.writer.settle();
  }

  // ---- reading ----

  /** Received bytes, read where they lie until {@link keepUnread} (RecordReader.lend). */
  lend(bytes: Uint8Array): void {
    this.reader.lend(bytes);
  }

  /** Copies what is unread of lent bytes, so their owner may reuse them. */
  keepUnread(): void {
    this.reader.keepUnread();
  }

  /** The next complete handshake message, or null. */
  nextMessage(): HandshakeMessageBytes | null {
    return this.reassembler.next();
  }

  /** The next record; rejected 0-RTT records the server cannot decrypt are skipped (RFC 8446 §4.2.10). */
  nextRecord(): NextRecord {
    const before = this.reader.buffered;
    let record: MaybePromise<InboundRecord | null>;
    try {
      record = this.reader.next();
    } catch (e) {
      const gate = this.earlyData;
      if (gate !== undefined && e instanceof TlsAlert && e.description === 'bad_record_mac') {
        if (gate.skipUnreadable(before - this.reader.buffered)) return 'skipped';
      }
      throw e;
    }
    if (record !== null && !isPromiseLike(record)) {
      this.earlyData?.opened(record.protected);
      this.noteProtected(record);
    }
    return isPromiseLike(record) ? record.then((r) => this.noteProtected(r)) : record;
  }

  private noteProtected(record: InboundRecord | null): InboundRecord | null {
    if (record?.protected === true && !this.peerSentProtected) {
      this.peerSentProtected = true;
      this.reader.allowPlaintextAlert = false;
    }
    return record;
  }

  /** A handshake record's fragment (RFC 8446 §5.1: not interleaved with other record types). */
  pushHandshake(fragment: Uint8Array): void {
    this.reassembler.push(fragment);
  }

  /** RFC 8446 §5.1: no other record type may arrive inside a fragmented handshake message. */
  checkNotInterleaved(): void {
    if (this.reassembler.hasPartialMessage) {
      throw new TlsAlert('unexpected_message', 'record interleaved with a fragmented handshake message');
    }
  }

  /** A ChangeCipherSpec record from the peer: accepted, installed, or unexpected_message. */
  changeCipherSpec(fragment: Uint8Array, isProtected: boolean): void {
    if (this.version === 'tlsv1.2') {
      this.changeCipherSpec12(fragment);
      return;
    }
    // RFC 8446 §5: only an unprotected single 0x01 byte, only during the handshake.
    if (isProtected || this.handshakeComplete) throw new TlsAlert('unexpected_message', 'ChangeCipherSpec');
    if (fragment.length !== 1 || fragment[0] !== 1) throw new TlsAlert('unexpected_message', 'bad ChangeCipherSpec');
  }

  /** RFC 5246 §7.1: ChangeCipherSpec switches the read side to the pending keys, only when expected. */
  private changeCipherSpec12(fragment: Uint8Array): void {
    if (fragment.length !== 1 || fragment[0] !== 1) throw new TlsAlert('decode_error', 'bad ChangeCipherSpec');
    const pending = this.pendingRead;
    if (pending === undefined || this.changeCipherSpecSeen) {
      throw new TlsAlert('unexpected_message', 'ChangeCipherSpec not expected here');
    }
    // RFC 5246 §7.1: the handshake message before Finished must be complete at the key change.
    if (this.reassembler.hasPartialMessage) {
      throw new TlsAlert('unexpected_message', 'ChangeCipherSpec inside a fragmented handshake message');
    }
    this.reader.setProtection(pending);
    this.pendingRead = undefined;
    this.changeCipherSpecSeen = true;
  }
}
