/**
 * The handshake-message side of receiving (RFC 6347 §4.2.2): each handshake record's fragments go
 * into the reassembler; a server synchronises its message_seq to the ClientHello it answers; a
 * fragment of the peer's previous flight marks a repeat (ours was lost, §4.2.4); and only some
 * old-epoch records may still carry handshake messages (§4.1.2.7).
 * @module
 */
import type { DtlsRecordLayer } from '../record/record-layer.js';
import type { FlightSender } from './flight-sender.js';
import { type DtlsMessage, parseFragments, Reassembler } from './fragments.js';

const CLIENT_HELLO = 1;
const FINISHED = 20;

/** What one handshake record brought: a repeat of the peer's previous flight, a new fragment. */
export interface PushedFragments {
  readonly old: boolean;
  readonly fresh: boolean;
}

export class InboundMessages {
  private readonly reassembler: Reassembler;
  /** The message_seq the peer's answer to our last flight starts at. */
  private peerFlightStart = 0;

  constructor(
    maxMessageSize: number,
    /** Server: message_seq synchronised to the client's first ClientHello (RFC 6347 §4.2.2). */
    public seqSynced: boolean,
    private readonly flights: FlightSender,
    private readonly records: DtlsRecordLayer,
  ) {
    this.reassembler = new Reassembler(maxMessageSize);
  }

  /** The next complete message in order, or null. */
  next(): DtlsMessage | null {
    return this.reassembler.next();
  }

  /** We send a flight: the peer's answer to it starts at the next message_seq we expect. */
  ourFlightSent(): void {
    this.peerFlightStart = this.reassembler.nextSeq;
  }

  /**
   * Whether a handshake record of an epoch before the current read epoch may still carry handshake
   * messages. A Finished never does (it follows the ChangeCipherSpec, RFC 5246 §7.4.9). During the
   * handshake a message of the peer's flight that was reordered behind its ChangeCipherSpec may (a
   * CertificateVerify, a NewSessionTicket); once the handshake is over only a repeat of the peer's
   * last flight may — message_seq below the next we expect — and it gets our last flight resent
   * (RFC 6347 §4.2.4). Anything else is what an off-path sender can forge without keys.
   */
  oldEpochAllowed(plaintext: Uint8Array, handshakeComplete: boolean): boolean {
    const fragments = parseFragments(plaintext);
    if (fragments.length === 0) return false;
    return fragments.every((f) => f.type !== FINISHED && (!handshakeComplete || f.seq < this.reassembler.nextSeq));
  }

  /** The fragments of one handshake record (`recordSequence`: its record sequence number). */
  push(plaintext: Uint8Array, recordSequence: number): PushedFragments {
    let old = false;
    let fresh = false;
    for (const f of parseFragments(plaintext)) {
      if (!this.seqSynced) {
        if (f.type !== CLIENT_HELLO) continue;
        // The server's message_seq continues from the ClientHello it answers (RFC 6347 §4.2.2).
        this.reassembler.reset(f.seq);
        this.flights.messageSeq = f.seq;
        this.records.continueWriteSequence(recordSequence);
        this.seqSynced = true;
      }
      const result = this.reassembler.push(f);
      // Only the peer's previous flight repeating means ours was lost; a repeat of the flight it is
      // sending now (part of which we have) is its own timer at work, and answering that would
      // start a ping-pong of retransmissions.
      if (result === 'old' && f.seq < this.peerFlightStart) old = true;
      else if (result === 'new') fresh = true;
    }
    return { old, fresh };
  }
}
