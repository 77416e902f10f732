/**
 * DTLS record framing (RFC 6347 §4.1): a 13-byte header — type, version, epoch (16 bits),
 * sequence_number (48 bits), length — then the fragment. A datagram may carry several records; a
 * record must not span datagrams (§4.1.1).
 * @module
 */
import { RECORD_HEADER_LENGTH } from '../constants.js';

/** One record as read from a datagram (the fragment still protected). */
export interface DtlsRecord {
  readonly type: number;
  readonly version: number;
  readonly epoch: number;
  readonly sequence: number;
  readonly fragment: Uint8Array;
  /** The header bytes (13), for anything that echoes them. */
  readonly header: Uint8Array;
}

/**
 * Splits a datagram into records. RFC 6347 §4.1.2.7: invalid records are silently discarded, so a
 * truncated tail ends the datagram instead of failing it; the complete records before it are kept.
 */
export function splitDatagram(datagram: Uint8Array, maxFragment: number): DtlsRecord[] {
  const out: DtlsRecord[] = [];
  let at = 0;
  while (datagram.length - at >= RECORD_HEADER_LENGTH) {
    const d = datagram;
    const length = ((d[at + 11] as number) << 8) | (d[at + 12] as number);
    const end = at + RECORD_HEADER_LENGTH + length;
    if (end > d.length || length > maxFragment) break;
    out.push({
      type: d[at] as number,
      version: ((d[at + 1] as number) << 8) | (d[at + 2] as number),
      epoch: ((d[at + 3] as number) << 8) | (d[at + 4] as number),
      sequence: readUint48(d, at + 5),
      fragment: d.subarray(at + RECORD_HEADER_LENGTH, end),
      header: d.subarray(at, at + RECORD_HEADER_LENGTH),
    });
    at = end;
  }
  return out;
}

/** Writes the 13-byte header at `out[at]`. */
export function writeRecordHeader(
  out: Uint8Array,
  at: number,
  type: number,
  version: number,
  epoch: number,
  sequence: number,
  length: number,
): void {
  out[at] = type;
  out[at + 1] = version >>> 8;
  out[at + 2] = version & 0xff;
  out[at + 3] = epoch >>> 8;
  out[at + 4] = epoch & 0xff;
  writeUint48(out, at + 5, sequence);
  out[at + 11] = length >>> 8;
  out[at + 12] = length & 0xff;
}

/** Reads a big-endian 48-bit unsigned integer (exact in a JavaScript number). */
export function readUint48(b: Uint8Array, at: number): number {
  const high = ((b[at] as number) << 8) | (b[at + 1] as number);
  const low =
    (((b[at + 2] as number) << 24) |
      ((b[at + 3] as number) << 16) |
      ((b[at + 4] as number) << 8) |
      (b[at + 5] as number)) >>>
    0;
  return high * 0x100000000 + low;
}

/** Writes a 48-bit unsigned integer big-endian. */
export function writeUint48(out: Uint8Array, at: number, value: number): void {
  const high = Math.floor(value / 0x100000000);
  const low = value >>> 0;
  out[at] = (high >>> 8) & 0xff;
  out[at + 1] = high & 0xff;
  out[at + 2] = low >>> 24;
  out[at + 3] = (low >>> 16) & 0xff;
  out[at + 4] = (low >>> 8) & 0xff;
  out[at + 5] = low & 0xff;
}
