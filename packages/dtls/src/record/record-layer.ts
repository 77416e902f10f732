/**
 * The DTLS record layer (RFC 6347 §4.1): per-epoch write state (records of a retransmitted flight
 * keep the epoch they were first sent in, §4.2.4), per-epoch read state with its anti-replay window
 * (§4.1.2.6), records of the next epoch held until the ChangeCipherSpec that installs its keys
 * (§4.1: they "MAY" be buffered), and the silent discard of anything invalid (§4.1.2.7).
 * It knows nothing about handshake messages; the epoch numbering leaves room for DTLS 1.3's
 * (RFC 9147 §4) unified header and record number encryption as other header codecs.
 * @module
 */
import { DTLS10, DTLS12, MAX_SEQUENCE, RECORD_HEADER_LENGTH } from '../constants.js';
import { type DtlsRecord, splitDatagram } from './header.js';
import { type DtlsProtection, NullDtlsProtection } from './protection.js';
import { ReplayWindow } from './replay-window.js';

/** A record that authenticated and was not a replay. */
export interface OpenedDtlsRecord {
  readonly type: number;
  readonly epoch: number;
  readonly sequence: number;
  readonly plaintext: Uint8Array;
}

/** Raised when an epoch's 48-bit sequence numbers are used up (RFC 6347 §4.1: they must not wrap). */
export class SequenceExhaustedError extends Error {
  override readonly name = 'SequenceExhaustedError';
  constructor() {
    super('DTLS record sequence number exhausted in this epoch');
  }
}

interface WriteEpoch {
  readonly protection: DtlsProtection;
  next: number;
}

interface ReadEpoch {
  readonly protection: DtlsProtection;
  readonly window: ReplayWindow;
}

/** Records of a future epoch kept until its keys arrive (a reordered Finished, early data). */
const MAX_HELD_RECORDS = 16;
/** RFC 6347 §4.1: the largest fragment (2^14 plus the expansion TLS 1.2 allows). */
const MAX_FRAGMENT = 16384 + 2048;

export class DtlsRecordLayer {
  private readonly writes = new Map<number, WriteEpoch>([[0, { protection: new NullDtlsProtection(), next: 0 }]]);
  private readonly reads = new Map<number, ReadEpoch>([
    [0, { protection: new NullDtlsProtection(), window: new ReplayWindow() }],
  ]);
  private held: DtlsRecord[] = [];
  writeEpoch = 0;
  readEpoch = 0;
  /** The version in our record headers: DTLS 1.0's until the version is negotiated (RFC 6347 §4.1). */
  version = DTLS12;
  /** Records dropped so far (bad MAC, replay, unknown epoch, malformed): for tests and diagnostics. */
  dropped = 0;

  /** The bytes of one record of `type` under the current write epoch (or `epoch`, for retransmission). */
  seal(type: number, payload: Uint8Array, epoch = this.writeEpoch): Uint8Array {
    const state = this.writes.get(epoch);
    if (state === undefined) throw new RangeError(`no write state for epoch ${epoch}`);
    if (state.next > MAX_SEQUENCE) throw new SequenceExhaustedError();
    const sequence = state.next++;
    return state.protection.seal(type, this.version, epoch, sequence, payload);
  }

  /** Bytes a record of `length` plaintext bytes takes on the wire in the current write epoch. */
  recordSize(length: number, epoch = this.writeEpoch): number {
    return RECORD_HEADER_LENGTH + length + (this.writes.get(epoch)?.protection.overhead ?? 0);
  }

  /**
   * Server: continue epoch 0 from the ClientHello's record sequence number. The stateless
   * HelloVerifyRequest reused the client's number (RFC 6347 §4.2.1), so our next records must not
   * fall behind it into the client's replay window.
   */
  continueWriteSequence(sequence: number): void {
    const state = this.writes.get(0) as WriteEpoch;
    if (this.writeEpoch === 0 && state.next <= sequence) state.next = sequence;
  }

  /** Client: after a HelloVerifyRequest (stateless, numbered by our own record) epoch 0 starts over. */
  resetReadWindow(): void {
    const state = this.reads.get(0) as ReadEpoch;
    this.reads.set(0, { protection: state.protection, window: new ReplayWindow() });
  }

  /** Our ChangeCipherSpec: the next epoch's write keys (RFC 6347 §4.1: the sequence restarts at 0). */
  nextWriteEpoch(protection: DtlsProtection): void {
    this.writeEpoch += 1;
    this.writes.set(this.writeEpoch, { protection, next: 0 });
  }

  /**
   * The peer's ChangeCipherSpec: reads move to the next epoch; the records held for it are
   * returned to be processed now.
   */
  nextReadEpoch(protection: DtlsProtection): OpenedDtlsRecord[] {
    this.readEpoch += 1;
    this.reads.set(this.readEpoch, { protection, window: new ReplayWindow() });
    const held = this.held;
    this.held = [];
    const out: OpenedDtlsRecord[] = [];
    for (const r of held) {
      const opened = this.openRecord(r);
      if (opened !== null) out.push(opened);
    }
    return out;
  }

  /** The records of a datagram that authenticate and are new; everything else is dropped silently. */
  open(datagram: Uint8Array): OpenedDtlsRecord[] {
    const out: OpenedDtlsRecord[] = [];
    const records = splitDatagram(datagram, MAX_FRAGMENT);
    let consumed = 0;
    for (const r of records) {
      consumed += RECORD_HEADER_LENGTH + r.fragment.length;
      const opened = this.openRecord(r);
      if (opened !== null) out.push(opened);
    }
    if (consumed < datagram.length) this.dropped++;
    return out;
  }

  private openRecord(r: DtlsRecord): OpenedDtlsRecord | null {
    // RFC 6347 §4.1: before the version is known a peer may use DTLS 1.0 in epoch 0.
    const versionOk = r.version === DTLS12 || (r.epoch === 0 && r.version === DTLS10);
    if (!versionOk) return this.drop();
    const state = this.reads.get(r.epoch);
    if (state === undefined) {
      if (r.epoch === this.readEpoch + 1 && this.held.length < MAX_HELD_RECORDS) this.held.push(copyRecord(r));
      else this.dropped++;
      return null;
    }
    if (!state.window.check(r.sequence)) return this.drop();
    const plaintext = state.protection.open(r);
    if (plaintext === null) return this.drop();
    state.window.accept(r.sequence);
    return { type: r.type, epoch: r.epoch, sequence: r.sequence, plaintext };
  }

  private drop(): null {
    this.dropped++;
    return null;
  }
}

function copyRecord(r: DtlsRecord): DtlsRecord {
  return { ...r, fragment: r.fragment.slice(), header: r.header.slice() };
}
