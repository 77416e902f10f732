import { describe, expect, it } from 'vitest';
import { readTlv } from './der.js';
import { bitStringOf, smallIntegerOf, stringOf, timeOf } from './der-reader.js';
import { bitString, integer, oid, time } from './der-writer.js';
import { PemError } from './errors.js';

const bytesOf = (...values: number[]) => new Uint8Array(values);
const text = (tag: number, value: string) => {
  const body = new TextEncoder().encode(value);
  return new Uint8Array([tag, body.length, ...body]);
};

describe('DER reader and writer', () => {
  it('UTCTime: 50–99 are the 1900s, 00–49 the 2000s (RFC 5280 §4.1.2.5.1); GeneralizedTime past 2049', () => {
    const read = (bytes: Uint8Array) => timeOf(bytes, readTlv(bytes, 0), 'time').toISOString();
    expect(read(text(0x17, '500101000000Z'))).toBe('1950-01-01T00:00:00.000Z');
    expect(read(text(0x17, '491231235959Z'))).toBe('2049-12-31T23:59:59.000Z');
    expect(read(text(0x18, '20500101120000Z'))).toBe('2050-01-01T12:00:00.000Z');
    expect(read(time(new Date('2049-06-01T10:20:30Z')))).toBe('2049-06-01T10:20:30.000Z');
    expect(time(new Date('2049-06-01T10:20:30Z'))[0]).toBe(0x17);
    expect(time(new Date('2050-06-01T10:20:30Z'))[0]).toBe(0x18);
    expect(() => read(text(0x17, '500101000000+0100'))).toThrow(PemError);
    expect(() => read(text(0x17, '501301000000Z'))).toThrow(/out of range/);
  });

  it('INTEGER, OID and BIT STRING encodings round-trip', () => {
    expect([...integer(0)]).toEqual([0x02, 0x01, 0x00]);
    expect([...integer(128)]).toEqual([0x02, 0x02, 0x00, 0x80]);
    expect([...integer(bytesOf(0, 0, 0x7f))]).toEqual([0x02, 0x01, 0x7f]);
    expect([...oid('1.2.840.10045.2.1')]).toEqual([0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]);
    const int = integer(65_537);
    expect(smallIntegerOf(int, readTlv(int, 0), 'e')).toBe(65_537);
    const bits = bitString(bytesOf(0x06), 1);
    expect(bitStringOf(bits, readTlv(bits, 0), 'bits')).toEqual({ unusedBits: 1, bits: bytesOf(0x06) });
    expect(() => bitStringOf(bytesOf(0x03, 0x01, 0x08), readTlv(bytesOf(0x03, 0x01, 0x08), 0), 'bits')).toThrow(
      PemError,
    );
  });

  it('strings decode by type; a value with no string form reads as # and its hex (RFC 4514 §2.4)', () => {
    const read = (bytes: Uint8Array) => stringOf(bytes, readTlv(bytes, 0));
    expect(read(text(0x0c, 'héllo'))).toBe('héllo');
    expect(read(text(0x13, 'Example'))).toBe('Example');
    expect(read(bytesOf(0x1e, 0x04, 0x00, 0x41, 0x00, 0xe9))).toBe('Aé');
    expect(read(bytesOf(0x04, 0x02, 0xab, 0xcd))).toBe('#0402abcd');
  });
});
