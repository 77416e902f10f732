import { DecodeError } from './decode-error.js';

/**
 * A bounds-checked cursor over bytes in TLS presentation language (RFC 8446 §3). Every read that
 * would go past the end throws {@link DecodeError}; nothing ever reads out of range silently.
 * Vectors are returned as subarrays (views, not copies) of the input.
 *
 * @example
 * const r = new Reader(bytes);
 * const version = r.u16();
 * const sessionId = r.vector8();
 * r.expectEnd();
 */
export class Reader {
  private position: number;
  private readonly end: number;

  constructor(
    private readonly bytes: Uint8Array,
    start = 0,
    end = bytes.length,
  ) {
    if (start < 0 || end > bytes.length || start > end) throw new RangeError('Reader: bad window');
    this.position = start;
    this.end = end;
  }

  /** Offset of the next byte to read, relative to the underlying array. */
  get offset(): number {
    return this.position;
  }

  /** Bytes left before the end of this reader's window. */
  get remaining(): number {
    return this.end - this.position;
  }

  /** True when every byte has been consumed. */
  get atEnd(): boolean {
    return this.position === this.end;
  }

  private need(count: number, what: string): number {
    if (this.end - this.position < count) {
      throw new DecodeError(`truncated ${what}: need ${count} bytes, have ${this.end - this.position}`, this.position);
    }
    const at = this.position;
    this.position += count;
    return at;
  }

  u8(): number {
    return this.bytes[this.need(1, 'u8')] as number;
  }

  u16(): number {
    const at = this.need(2, 'u16');
    return ((this.bytes[at] as number) << 8) | (this.bytes[at + 1] as number);
  }

  u24(): number {
    const at = this.need(3, 'u24');
    return ((this.bytes[at] as number) << 16) | ((this.bytes[at + 1] as number) << 8) | (this.bytes[at + 2] as number);
  }

  u32(): number {
    const at = this.need(4, 'u32');
    return (
      (this.bytes[at] as number) * 0x1000000 +
      (((this.bytes[at + 1] as number) << 16) | ((this.bytes[at + 2] as number) << 8) | (this.bytes[at + 3] as number))
    );
  }

  u64(): bigint {
    const high = BigInt(this.u32());
    const low = BigInt(this.u32());
    return (high << 32n) | low;
  }

  /** Exactly `length` bytes, as a view. */
  bytesView(length: number): Uint8Array {
    const at = this.need(length, 'opaque');
    return this.bytes.subarray(at, at + length);
  }

  /** Everything left in this reader's window, as a view. */
  rest(): Uint8Array {
    return this.bytesView(this.remaining);
  }

  /** opaque<0..2^8-1> */
  vector8(min = 0, max = 0xff): Uint8Array {
    return this.checkedVector(this.u8(), min, max, 1);
  }

  /** opaque<0..2^16-1> */
  vector16(min = 0, max = 0xffff): Uint8Array {
    return this.checkedVector(this.u16(), min, max, 2);
  }

  /** opaque<0..2^24-1> */
  vector24(min = 0, max = 0xffffff): Uint8Array {
    return this.checkedVector(this.u24(), min, max, 3);
  }

  private checkedVector(length: number, min: number, max: number, prefix: number): Uint8Array {
    if (length < min || length > max) {
      throw new DecodeError(`vector length ${length} outside ${min}..${max}`, this.position - prefix);
    }
    return this.bytesView(length);
  }

  /** A sub-reader over a vector with a 1-byte length prefix; the outer reader skips past it. */
  sub8(min = 0, max = 0xff): Reader {
    return this.subOf(this.u8(), min, max, 1);
  }

  /** A sub-reader over a vector with a 2-byte length prefix. */
  sub16(min = 0, max = 0xffff): Reader {
    return this.subOf(this.u16(), min, max, 2);
  }

  /** A sub-reader over a vector with a 3-byte length prefix. */
  sub24(min = 0, max = 0xffffff): Reader {
    return this.subOf(this.u24(), min, max, 3);
  }

  private subOf(length: number, min: number, max: number, prefix: number): Reader {
    if (length < min || length > max) {
      throw new DecodeError(`vector length ${length} outside ${min}..${max}`, this.position - prefix);
    }
    const at = this.need(length, 'vector');
    return new Reader(this.bytes, at, at + length);
  }

  /** Throws unless every byte was consumed: trailing bytes are a decode error in TLS. */
  expectEnd(what = 'message'): void {
    if (this.position !== this.end) {
      throw new DecodeError(`${this.end - this.position} trailing bytes after ${what}`, this.position);
    }
  }
}
