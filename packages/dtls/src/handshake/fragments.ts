/**
 * DTLS handshake messages on the wire (RFC 6347 §4.2.2-§4.2.3): the 12-byte header — msg_type,
 * length, message_seq, fragment_offset, fragment_length — fragmentation of a message into records
 * that fit the path MTU, and reassembly in message_seq order so each message is handed on exactly
 * once, whatever the loss, duplication or reordering below.
 * @module
 */
import { HANDSHAKE_HEADER_LENGTH } from '../constants.js';

/** A whole handshake message. */
export interface DtlsMessage {
  readonly type: number;
  readonly seq: number;
  readonly body: Uint8Array;
}

/** One received fragment. */
export interface HandshakeFragment extends DtlsMessage {
  readonly length: number;
  readonly offset: number;
}

function writeHeader(
  out: Uint8Array,
  type: number,
  length: number,
  seq: number,
  offset: number,
  fragLength: number,
): void {
  out[0] = type;
  out[1] = length >>> 16;
  out[2] = (length >>> 8) & 0xff;
  out[3] = length & 0xff;
  out[4] = seq >>> 8;
  out[5] = seq & 0xff;
  out[6] = offset >>> 16;
  out[7] = (offset >>> 8) & 0xff;
  out[8] = offset & 0xff;
  out[9] = fragLength >>> 16;
  out[10] = (fragLength >>> 8) & 0xff;
  out[11] = fragLength & 0xff;
}

/**
 * The message as the transcript sees it (RFC 6347 §4.2.6): the DTLS header with fragment_offset 0
 * and fragment_length = length, as if sent in one piece, then the body.
 */
export function messageBytes(m: DtlsMessage): Uint8Array {
  const out = new Uint8Array(HANDSHAKE_HEADER_LENGTH + m.body.length);
  writeHeader(out, m.type, m.body.length, m.seq, 0, m.body.length);
  out.set(m.body, HANDSHAKE_HEADER_LENGTH);
  return out;
}

/**
 * Cuts a message into fragments of at most `maxFragment` body bytes each (RFC 6347 §4.2.3: each
 * fragment carries the message's type, length and message_seq, with its own offset and length).
 */
export function fragmentMessage(m: DtlsMessage, maxFragment: number): Uint8Array[] {
  const size = Math.max(1, maxFragment);
  const out: Uint8Array[] = [];
  let offset = 0;
  do {
    const n = Math.min(size, m.body.length - offset);
    const frag = new Uint8Array(HANDSHAKE_HEADER_LENGTH + n);
    writeHeader(frag, m.type, m.body.length, m.seq, offset, n);
    frag.set(m.body.subarray(offset, offset + n), HANDSHAKE_HEADER_LENGTH);
    out.push(frag);
    offset += n;
  } while (offset < m.body.length);
  return out;
}

/**
 * Reads the fragments of one handshake record. A malformed one ends the record: RFC 6347 §4.1.2.7
 * lets invalid input be dropped rather than killing the association.
 */
export function parseFragments(plaintext: Uint8Array): HandshakeFragment[] {
  const out: HandshakeFragment[] = [];
  let at = 0;
  const b = plaintext;
  while (b.length - at >= HANDSHAKE_HEADER_LENGTH) {
    const type = b[at] as number;
    const length = ((b[at + 1] as number) << 16) | ((b[at + 2] as number) << 8) | (b[at + 3] as number);
    const seq = ((b[at + 4] as number) << 8) | (b[at + 5] as number);
    const offset = ((b[at + 6] as number) << 16) | ((b[at + 7] as number) << 8) | (b[at + 8] as number);
    const fragLength = ((b[at + 9] as number) << 16) | ((b[at + 10] as number) << 8) | (b[at + 11] as number);
    const start = at + HANDSHAKE_HEADER_LENGTH;
    if (start + fragLength > b.length || offset + fragLength > length) break;
    out.push({ type, length, seq, offset, body: b.subarray(start, start + fragLength) });
    at = start + fragLength;
  }
  return out;
}

interface Partial {
  readonly type: number;
  readonly body: Uint8Array;
  readonly filled: Uint8Array;
  missing: number;
}

/** What {@link Reassembler.push} made of a fragment. */
export type PushResult = 'new' | 'old' | 'dropped';

/**
 * Collects fragments per message_seq and releases whole messages strictly in order. Fragments of
 * messages already released are 'old' (a retransmitted flight: the caller may resend its own,
 * RFC 6347 §4.2.4); fragments too far ahead, inconsistent with earlier ones or over the size limit
 * are dropped.
 */
export class Reassembler {
  private readonly partial = new Map<number, Partial>();
  /** The next message_seq to release (RFC 6347 §4.2.2 next_receive_seq). */
  nextSeq = 0;

  constructor(
    private readonly maxMessageSize: number,
    /** How many messages ahead of next_receive_seq are buffered. */
    private readonly window = 16,
  ) {}

  push(f: HandshakeFragment): PushResult {
    if (f.seq < this.nextSeq) return 'old';
    if (f.seq >= this.nextSeq + this.window || f.length > this.maxMessageSize) return 'dropped';
    let p = this.partial.get(f.seq);
    if (p === undefined) {
      p = { type: f.type, body: new Uint8Array(f.length), filled: new Uint8Array(f.length), missing: f.length };
      this.partial.set(f.seq, p);
    }
    if (p.type !== f.type || p.body.length !== f.length) return 'dropped';
    p.body.set(f.body, f.offset);
    for (let i = f.offset; i < f.offset + f.body.length; i++) {
      if (p.filled[i] === 0) {
        p.filled[i] = 1;
        p.missing--;
      }
    }
    return 'new';
  }

  /** The next whole message in order, or null. */
  next(): DtlsMessage | null {
    const p = this.partial.get(this.nextSeq);
    if (p === undefined || p.missing > 0) return null;
    this.partial.delete(this.nextSeq);
    return { type: p.type, seq: this.nextSeq++, body: p.body };
  }

  /** Forgets partial messages (a new handshake phase starts, e.g. after HelloVerifyRequest). */
  reset(nextSeq: number): void {
    this.partial.clear();
    this.nextSeq = nextSeq;
  }
}
