import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodePem, PemError, parseDhParameters } from './index.js';

const vectors = new URL('../../../test-vectors/', import.meta.url);
const ffdhe2048 = BigInt(`0x${readFileSync(new URL('ffdhe/ffdhe2048.hex', vectors), 'utf8').trim()}`);

/** DER INTEGER of a non-negative bigint (a leading zero byte when the top bit is set). */
function derInteger(value: bigint): number[] {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const bytes = hex.match(/../g)?.map((h) => Number.parseInt(h, 16)) ?? [0];
  if ((bytes[0] as number) & 0x80) bytes.unshift(0);
  return [0x02, ...derLength(bytes.length), ...bytes];
}
function derLength(length: number): number[] {
  if (length < 0x80) return [length];
  return length < 0x100 ? [0x81, length] : [0x82, length >> 8, length & 0xff];
}
const sequence = (...parts: number[][]): Uint8Array => {
  const body = parts.flat();
  return new Uint8Array([0x30, ...derLength(body.length), ...body]);
};

describe('parseDhParameters (PKCS#3)', () => {
  it('reads the ffdhe2048 parameters openssl wrote', () => {
    const pem = readFileSync(new URL('pkix/dhparam-ffdhe2048.pem', vectors), 'utf8');
    const params = parseDhParameters(pem);
    expect(params.p).toBe(ffdhe2048);
    expect(params.g).toBe(2n);
    expect(params.privateValueLength).toBe(undefined);
  });

  it('round-trips DER and PEM, with or without privateValueLength', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 5n, max: (1n << 600n) - 1n }).map((p) => p | 1n),
        fc.option(fc.integer({ min: 1, max: 4096 }), { nil: undefined }),
        (p, length) => {
          const extra = length === undefined ? [] : [derInteger(BigInt(length))];
          const der = sequence(derInteger(p), derInteger(2n), ...extra);
          const expected = length === undefined ? { p, g: 2n } : { p, g: 2n, privateValueLength: length };
          expect(parseDhParameters(der)).toEqual(expected);
          expect(parseDhParameters(encodePem('DH PARAMETERS', der))).toEqual(expected);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('explains what is wrong', () => {
    expect(() => parseDhParameters('no pem here')).toThrow(/no DH PARAMETERS block/);
    expect(() => parseDhParameters(sequence(derInteger(23n)))).toThrow(/prime and INTEGER base/);
    expect(() => parseDhParameters(sequence(derInteger(24n), derInteger(2n)))).toThrow(/odd/);
    expect(() => parseDhParameters(sequence(derInteger(23n), derInteger(22n)))).toThrow(/generator/);
    expect(() => parseDhParameters(new Uint8Array([0x30, 0x05, 0x02, 0x01]))).toThrow(PemError);
    const negative = new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x85, 0x02, 0x01, 0x02]);
    expect(() => parseDhParameters(negative)).toThrow(/negative/);
  });
});
