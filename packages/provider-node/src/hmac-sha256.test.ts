// The JavaScript HMAC-SHA-256 of the key schedules against RFC 4231 and node's OpenSSL HMAC.
import * as crypto from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmacSha256 } from './hmac-sha256.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const native = (key: Uint8Array, data: Uint8Array): string =>
  crypto.createHmac('sha256', key).update(data).digest('hex');

describe('hmacSha256', () => {
  it('RFC 4231 §4.2-§4.7 test cases (SHA-256)', () => {
    const cases: [Uint8Array, Uint8Array, string][] = [
      [
        hex('0b'.repeat(20)),
        Buffer.from('Hi There'),
        'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
      ],
      [
        Buffer.from('Jefe'),
        Buffer.from('what do ya want for nothing?'),
        '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
      ],
      [hex('aa'.repeat(20)), hex('dd'.repeat(50)), '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe'],
      [
        hex('0102030405060708090a0b0c0d0e0f10111213141516171819'),
        hex('cd'.repeat(50)),
        '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
      ],
      // §4.7: a 131-byte key, hashed first (RFC 2104 §2).
      [
        hex('aa'.repeat(131)),
        Buffer.from('Test Using Larger Than Block-Size Key - Hash Key First'),
        '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
      ],
    ];
    for (const [key, data, mac] of cases) expect(toHex(hmacSha256(key, [data]))).toBe(mac);
    // §4.6 truncates to 128 bits.
    expect(
      toHex(hmacSha256(Buffer.from(hex('0c'.repeat(20))), [Buffer.from('Test With Truncation')])).slice(0, 32),
    ).toBe('a3b6167473100ee06e0c796c2955552b');
  });

  it('equals OpenSSL for every key and message length around the block boundaries', () => {
    for (const keyLength of [0, 1, 32, 63, 64, 65, 200]) {
      const key = crypto.randomBytes(keyLength);
      for (let length = 0; length <= 200; length++) {
        const data = crypto.randomBytes(length);
        expect(toHex(hmacSha256(key, [data]))).toBe(native(key, data));
      }
    }
  });

  it('hashes its parts as one message, however they are split', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.array(fc.uint8Array({ maxLength: 90 }), { maxLength: 5 }),
        (key, parts) => {
          const joined = Uint8Array.from(parts.flatMap((part) => [...part]));
          expect(toHex(hmacSha256(key, parts))).toBe(native(key, joined));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('returns a fresh array and leaves the caller’s key and parts alone', () => {
    const key = crypto.randomBytes(32);
    const data = crypto.randomBytes(40);
    const [keyCopy, dataCopy] = [Uint8Array.from(key), Uint8Array.from(data)];
    const first = hmacSha256(key, [data]);
    const second = hmacSha256(key, [data]);
    expect(first).not.toBe(second);
    expect(first).toEqual(second);
    expect(Uint8Array.from(key)).toEqual(keyCopy);
    expect(Uint8Array.from(data)).toEqual(dataCopy);
  });
});
