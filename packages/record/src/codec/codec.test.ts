import { describe, expect, it } from 'vitest';
import { DecodeError, Reader, Writer } from './index.js';

describe('Reader/Writer round trip', () => {
  it('encodes and decodes every integer width and nested vectors', () => {
    const w = new Writer(1);
    w.u8(0xab).u16(0x1234).u24(0xabcdef).u32(0xdeadbeef).u64(0x0102030405060708n);
    const outer = w.begin16();
    w.vector8(new Uint8Array([1, 2, 3]));
    const inner = w.begin24();
    w.zeros(2);
    w.end(inner);
    w.end(outer);
    const bytes = w.finish();
    const r = new Reader(bytes);
    expect(r.u8()).toBe(0xab);
    expect(r.u16()).toBe(0x1234);
    expect(r.u24()).toBe(0xabcdef);
    expect(r.u32()).toBe(0xdeadbeef);
    expect(r.u64()).toBe(0x0102030405060708n);
    const sub = r.sub16();
    expect([...sub.vector8()]).toEqual([1, 2, 3]);
    expect([...sub.vector24()]).toEqual([0, 0]);
    sub.expectEnd();
    r.expectEnd();
  });

  it('fails with DecodeError on truncation, over-long lengths and trailing bytes', () => {
    expect(() => new Reader(new Uint8Array([1])).u16()).toThrow(DecodeError);
    expect(() => new Reader(new Uint8Array([5, 1, 2])).vector8()).toThrow(/truncated/);
    expect(() => new Reader(new Uint8Array([0, 3, 1, 2, 3])).vector16(0, 2)).toThrow(/outside 0..2/);
    expect(() => new Reader(new Uint8Array([0, 0])).vector16(1)).toThrow(DecodeError);
    const r = new Reader(new Uint8Array([1, 2]));
    r.u8();
    expect(() => r.expectEnd()).toThrow(/1 trailing bytes/);
    const sub = new Reader(new Uint8Array([2, 9, 9, 7])).sub8();
    expect(() => sub.u24()).toThrow(DecodeError);
  });

  it('grows the buffer under every kind of write', () => {
    const w = new Writer(1);
    w.u8(1);
    w.bytes(new Uint8Array(300).fill(2));
    w.zeros(500);
    w.u8(3);
    const out = w.finish();
    expect(out.length).toBe(802);
    expect([out[0], out[1], out[300], out[301], out[801]]).toEqual([1, 2, 2, 0, 3]);
  });

  it('rejects out-of-range writes and unbalanced vectors', () => {
    expect(() => new Writer().u8(256)).toThrow(RangeError);
    expect(() => new Writer().u16(-1)).toThrow(RangeError);
    const w = new Writer();
    const h = w.begin8();
    w.zeros(256);
    expect(() => w.end(h)).toThrow(/does not fit/);
    const w2 = new Writer();
    w2.begin16();
    expect(() => w2.finish()).toThrow(/unclosed/);
  });
});
