/**
 * A growable byte buffer for TLS presentation language. Length prefixes are reserved up front and
 * back-patched when the vector closes, so nested structures encode in one pass without copies.
 *
 * @example
 * const w = new Writer();
 * w.u16(0x0303);
 * const ext = w.begin16();
 * w.bytes(payload);
 * w.end(ext);
 * const encoded = w.finish();
 */
export class Writer {
  private buffer: Uint8Array;
  private length = 0;
  private readonly openVectors: { at: number; size: 1 | 2 | 3 }[] = [];

  constructor(initialCapacity = 256) {
    this.buffer = new Uint8Array(initialCapacity);
  }

  /** Bytes written so far. */
  get size(): number {
    return this.length;
  }

  private reserve(count: number): number {
    const at = this.length;
    const needed = at + count;
    if (needed > this.buffer.length) {
      let capacity = this.buffer.length * 2;
      while (capacity < needed) capacity *= 2;
      const grown = new Uint8Array(capacity);
      grown.set(this.buffer.subarray(0, at));
      this.buffer = grown;
    }
    this.length = needed;
    return at;
  }

  u8(value: number): this {
    this.checkRange(value, 0xff, 'u8');
    // reserve() may replace the buffer, so it must run before `this.buffer` is read.
    const at = this.reserve(1);
    this.buffer[at] = value;
    return this;
  }

  u16(value: number): this {
    this.checkRange(value, 0xffff, 'u16');
    const at = this.reserve(2);
    this.buffer[at] = value >>> 8;
    this.buffer[at + 1] = value;
    return this;
  }

  u24(value: number): this {
    this.checkRange(value, 0xffffff, 'u24');
    const at = this.reserve(3);
    this.buffer[at] = value >>> 16;
    this.buffer[at + 1] = value >>> 8;
    this.buffer[at + 2] = value;
    return this;
  }

  u32(value: number): this {
    this.checkRange(value, 0xffffffff, 'u32');
    const at = this.reserve(4);
    this.buffer[at] = value >>> 24;
    this.buffer[at + 1] = value >>> 16;
    this.buffer[at + 2] = value >>> 8;
    this.buffer[at + 3] = value;
    return this;
  }

  u64(value: bigint): this {
    if (value < 0n || value > 0xffffffffffffffffn) throw new RangeError(`u64 out of range: ${value}`);
    this.u32(Number(value >> 32n));
    this.u32(Number(value & 0xffffffffn));
    return this;
  }

  bytes(data: Uint8Array): this {
    const at = this.reserve(data.length);
    this.buffer.set(data, at);
    return this;
  }

  /** Writes `count` zero bytes (padding). */
  zeros(count: number): this {
    const at = this.reserve(count);
    this.buffer.fill(0, at, this.length);
    return this;
  }

  vector8(data: Uint8Array): this {
    return this.u8(data.length).bytes(data);
  }

  vector16(data: Uint8Array): this {
    return this.u16(data.length).bytes(data);
  }

  vector24(data: Uint8Array): this {
    return this.u24(data.length).bytes(data);
  }

  /** Opens a vector whose 1-byte length is filled in by {@link end}. */
  begin8(): number {
    return this.begin(1);
  }

  begin16(): number {
    return this.begin(2);
  }

  begin24(): number {
    return this.begin(3);
  }

  private begin(size: 1 | 2 | 3): number {
    const at = this.reserve(size);
    this.openVectors.push({ at, size });
    return this.openVectors.length - 1;
  }

  /** Closes the vector opened by `begin*`; vectors must close innermost first. */
  end(handle: number): this {
    if (handle !== this.openVectors.length - 1) throw new Error('Writer: vectors must be closed innermost first');
    const { at, size } = this.openVectors.pop() as { at: number; size: 1 | 2 | 3 };
    const length = this.length - at - size;
    const max = size === 1 ? 0xff : size === 2 ? 0xffff : 0xffffff;
    if (length > max) throw new RangeError(`vector of ${length} bytes does not fit a ${size}-byte length`);
    for (let i = size - 1, v = length; i >= 0; i--, v >>>= 8) this.buffer[at + i] = v & 0xff;
    return this;
  }

  /** The bytes written (a copy-free view of the internal buffer). Every vector must be closed. */
  finish(): Uint8Array {
    if (this.openVectors.length > 0) throw new Error('Writer: unclosed vector');
    return this.buffer.subarray(0, this.length);
  }

  private checkRange(value: number, max: number, what: string): void {
    if (!Number.isInteger(value) || value < 0 || value > max) throw new RangeError(`${what} out of range: ${value}`);
  }
}
