import { SocketStateError } from './errors.js';

/** Erlang's `packet` socket option: no framing, a 1/2/4-byte big-endian length header, or lines. */
export type PacketMode = 0 | 1 | 2 | 4 | 'raw' | 'line';

/**
 * The largest packet accepted when `packetSize` is 0 (no limit asked for): 64 MiB, the ceiling
 * Erlang's ssl applies, so a 4-byte header cannot make us buffer gigabytes.
 */
export const DEFAULT_MAX_PACKET = 64 * 1024 * 1024;

/** True for the modes that frame (everything but 0 / 'raw'). */
export function isFramed(mode: PacketMode): mode is 1 | 2 | 4 | 'line' {
  return mode !== 0 && mode !== 'raw';
}

/**
 * Splits a received byte stream into Erlang packets (`{packet, 1 | 2 | 4 | line}`, with
 * `packet_size`): length-prefixed packets lose their header, lines keep their `\n`. A length over
 * the limit is an error (Erlang `emsgsize`); a line over the limit is delivered in limit-sized
 * pieces, as Erlang delivers a line longer than its buffer.
 *
 * @example
 * const framer = new PacketFramer(2, 0);
 * framer.push(new Uint8Array([0, 2, 104, 105])); // framer.next() -> 'hi'
 */
export class PacketFramer {
  private buffer: Uint8Array = new Uint8Array(0);

  constructor(
    readonly mode: 1 | 2 | 4 | 'line',
    /** Erlang packet_size: the largest packet (0: {@link DEFAULT_MAX_PACKET}). */
    packetSize: number,
  ) {
    this.limit = packetSize === 0 ? DEFAULT_MAX_PACKET : packetSize;
  }

  private readonly limit: number;

  /** Bytes held that do not form a complete packet yet. */
  get pending(): number {
    return this.buffer.length;
  }

  push(bytes: Uint8Array): void {
    if (this.buffer.length === 0) {
      this.buffer = bytes;
      return;
    }
    const joined = new Uint8Array(this.buffer.length + bytes.length);
    joined.set(this.buffer);
    joined.set(bytes, this.buffer.length);
    this.buffer = joined;
  }

  /** Removes what is held (for a change of mode). */
  takeRest(): Uint8Array {
    const rest = this.buffer;
    this.buffer = new Uint8Array(0);
    return rest;
  }

  /** The next complete packet, or undefined. Throws SocketStateError('emsgsize') for a too-long one. */
  next(): Uint8Array | undefined {
    return this.mode === 'line' ? this.nextLine() : this.nextPrefixed(this.mode);
  }

  /** Hands each complete packet to `deliver`; returns the emsgsize error rather than throwing it. */
  drain(deliver: (packet: Uint8Array) => void): Error | undefined {
    for (;;) {
      let packet: Uint8Array | undefined;
      try {
        packet = this.next();
      } catch (error) {
        return error as Error;
      }
      if (packet === undefined) return undefined;
      deliver(packet);
    }
  }

  private nextLine(): Uint8Array | undefined {
    const end = this.buffer.indexOf(0x0a);
    const size = end >= 0 ? end + 1 : undefined;
    if (size !== undefined && size <= this.limit) return this.cut(size);
    if (this.buffer.length >= this.limit) return this.cut(this.limit);
    return undefined;
  }

  private nextPrefixed(width: 1 | 2 | 4): Uint8Array | undefined {
    if (this.buffer.length < width) return undefined;
    let length = 0;
    for (let i = 0; i < width; i++) length = length * 256 + (this.buffer[i] as number);
    if (length > this.limit) {
      throw new SocketStateError('emsgsize', `a ${length}-byte packet exceeds packetSize ${this.limit}`);
    }
    if (this.buffer.length < width + length) return undefined;
    const packet = this.buffer.subarray(width, width + length);
    this.buffer = this.buffer.subarray(width + length);
    return packet;
  }

  private cut(size: number): Uint8Array {
    const packet = this.buffer.subarray(0, size);
    this.buffer = this.buffer.subarray(size);
    return packet;
  }
}

/**
 * Adds the length header Erlang's `{packet, 1 | 2 | 4}` puts on every send; other modes send the
 * bytes as they are. Throws SocketStateError('emsgsize') when the length does not fit the header.
 */
export function framePacket(mode: PacketMode, data: Uint8Array): Uint8Array {
  if (mode !== 1 && mode !== 2 && mode !== 4) return data;
  if (data.length >= 2 ** (8 * mode)) {
    throw new SocketStateError('emsgsize', `${data.length} bytes do not fit a ${mode}-byte packet header`);
  }
  const out = new Uint8Array(mode + data.length);
  for (let i = 0, length = data.length; i < mode; i++, length = Math.floor(length / 256)) {
    out[mode - 1 - i] = length % 256;
  }
  out.set(data, mode);
  return out;
}
