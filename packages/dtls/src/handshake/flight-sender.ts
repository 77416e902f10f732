/**
 * Our side of the flights (RFC 6347 §4.2.4): the flight being built, the last one sent (kept to
 * resend), our message_seq counter, and the retransmission timer that runs while a flight awaits
 * an answer. The connection turns what it returns into datagrams and `timer` events.
 * @module
 */
import type { DtlsRecordLayer } from '../record/record-layer.js';
import { type FlightEntry, packFlight, RetransmitTimer } from './flight.js';
import type { DtlsMessage } from './fragments.js';

export class FlightSender {
  private building: FlightEntry[] = [];
  private last: FlightEntry[] = [];
  /** Whether the last flight awaits an answer (its timer runs). */
  waiting = false;
  /** Whether the last flight was sent timed (false for a handshake's final flight). */
  private lastTimed = false;
  /** Our next handshake message_seq (RFC 6347 §4.2.2). */
  messageSeq = 0;
  private readonly timer: RetransmitTimer;

  constructor(
    private readonly records: DtlsRecordLayer,
    private readonly mtu: number,
    retransmitInitial: number,
    retransmitMax: number,
  ) {
    this.timer = new RetransmitTimer(retransmitInitial, retransmitMax);
  }

  /** Adds a handshake message (numbered here) to the flight being built, in the current write epoch. */
  addMessage(type: number, body: Uint8Array): DtlsMessage {
    const message: DtlsMessage = { type, seq: this.messageSeq++, body };
    this.building.push({ kind: 'message', message, epoch: this.records.writeEpoch });
    return message;
  }

  /** Adds ChangeCipherSpec, sent in the epoch current before it. */
  addChangeCipherSpec(): void {
    this.building.push({ kind: 'ccs', epoch: this.records.writeEpoch });
  }

  /** Makes the flight built the last one; its datagrams, and the timer delay (undefined: no timer). */
  send(awaitReply: boolean): { datagrams: Uint8Array[]; delay: number | undefined } {
    this.last = this.building;
    this.building = [];
    this.waiting = awaitReply;
    this.lastTimed = awaitReply;
    return { datagrams: this.resend(), delay: awaitReply ? this.timer.reset() : undefined };
  }

  /** The last flight's datagrams again (sealed anew: fresh record sequence numbers). */
  resend(): Uint8Array[] {
    return packFlight(this.records, this.last, this.mtu);
  }

  /**
   * Whether a repeat of the peer's previous flight calls for ours again: we have one, and the
   * handshake is not over on our side with a timed flight (then the peer needs nothing from us).
   */
  answersRepeat(handshakeComplete: boolean): boolean {
    return this.last.length > 0 && !(handshakeComplete && this.lastTimed);
  }

  /** Stops the timer; true when it was running. */
  stop(): boolean {
    const was = this.waiting;
    this.waiting = false;
    return was;
  }

  /** Retransmissions of the current flight so far. */
  get retransmits(): number {
    return this.timer.count;
  }

  /** The next, doubled timeout (RFC 6347 §4.2.4.1). */
  backOff(): number {
    return this.timer.backOff();
  }
}
