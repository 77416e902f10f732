import * as crypto from 'node:crypto';
import type { MaybePromise } from '@sslsocket/suites';
import { CryptoError, isPromiseLike } from '@sslsocket/suites';
import fc from 'fast-check';
import { PKCS1_KEM } from 'micro-rsa-dsa-dh/rsa.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { bigintToBytes, bytesToBigint } from './bytes.js';
import { nodeProvider } from './node-provider.js';
import { unpadPkcs1Type2 } from './rsa-encryption.js';
import { rsaKeyPair, type TestKeyPair } from './test-keys.js';

function sync<T>(value: MaybePromise<T>): T {
  if (isPromiseLike(value)) throw new Error('nodeProvider must be synchronous');
  return value;
}

let rsa: TestKeyPair;
let n: bigint;
let e: bigint;
let d: bigint;
beforeAll(() => {
  rsa = rsaKeyPair(2048);
  ({ n, e, d } = rsa.privateKey as { n: bigint; e: bigint; d: bigint });
});

/** Raw RSA encryption of an arbitrary encoded message: lets tests craft any padding. */
function rawEncrypt(em: Uint8Array): Uint8Array {
  let result = 1n;
  let base = bytesToBigint(em) % n;
  for (let x = e; x > 0n; x >>= 1n) {
    if (x & 1n) result = (result * base) % n;
    base = (base * base) % n;
  }
  return bigintToBytes(result, 256);
}

/** EM = 00 02 PS 00 M with a non-zero PS of the right length (RFC 8017 §7.2.1). */
function encode(m: Uint8Array, k = 256): Uint8Array {
  const em = new Uint8Array(k);
  em[1] = 2;
  for (let i = 2; i < k - m.length - 1; i++) em[i] = 1 + crypto.randomInt(255);
  em.set(m, k - m.length);
  return em;
}

describe('nodeProvider RSAES-PKCS1-v1_5', () => {
  it('encrypts for micro-rsa-dsa-dh and decrypts what it encrypts', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 245 }), (m) => {
        const ct = sync(nodeProvider.rsaEncrypt(rsa.publicKey, m));
        expect(ct).toHaveLength(256);
        expect(PKCS1_KEM.decrypt({ n, d }, ct)).toEqual(m);
        expect(sync(nodeProvider.rsaDecrypt(rsa.privateKey, ct))).toEqual(m);
        expect(sync(nodeProvider.rsaDecrypt(rsa.privateKey, PKCS1_KEM.encrypt({ n, e }, m)))).toEqual(m);
      }),
      { numRuns: 8 },
    );
  });

  it('decrypts a 48-byte premaster secret (RFC 5246 §7.4.7.1)', () => {
    const premaster = Uint8Array.of(3, 3, ...nodeProvider.randomBytes(46));
    expect(sync(nodeProvider.rsaDecrypt(rsa.privateKey, rawEncrypt(encode(premaster))))).toEqual(premaster);
  });

  it('returns null for every kind of bad padding', () => {
    // No zero byte in the message: with the separator removed, a zero inside the message would
    // otherwise act as one and make the encoding valid again.
    const m = nodeProvider.randomBytes(48).map((byte) => byte || 1);
    const good = encode(m);
    const variants: Uint8Array[] = [];
    const firstByte = good.slice();
    firstByte[0] = 1;
    variants.push(firstByte);
    const blockType = good.slice();
    blockType[1] = 1;
    variants.push(blockType);
    const noSeparator = good.slice();
    noSeparator[256 - 49] = 7;
    variants.push(noSeparator);
    const shortPs = good.slice();
    shortPs[5] = 0; // separator after only 3 PS bytes
    variants.push(shortPs);
    const zeroAtTen = good.slice();
    zeroAtTen[9] = 0; // PS of 7 bytes: one too short
    variants.push(zeroAtTen);
    for (const em of variants) expect(sync(nodeProvider.rsaDecrypt(rsa.privateKey, rawEncrypt(em)))).toBeNull();
    // PS of exactly 8 bytes is the shortest valid one.
    const eight = good.slice();
    eight[10] = 0;
    expect(sync(nodeProvider.rsaDecrypt(rsa.privateKey, rawEncrypt(eight)))).toEqual(good.slice(11));
  });

  it('returns null for a wrong-length or out-of-range ciphertext', () => {
    const ct = sync(nodeProvider.rsaEncrypt(rsa.publicKey, new Uint8Array(48)));
    expect(sync(nodeProvider.rsaDecrypt(rsa.privateKey, ct.subarray(1)))).toBeNull();
    expect(sync(nodeProvider.rsaDecrypt(rsa.privateKey, Uint8Array.of(...ct, 0)))).toBeNull();
    expect(sync(nodeProvider.rsaDecrypt(rsa.privateKey, new Uint8Array(256).fill(0xff)))).toBeNull();
  });

  it('refuses a message longer than k - 11 and a PSS key', () => {
    expect(() => nodeProvider.rsaEncrypt(rsa.publicKey, new Uint8Array(246))).toThrow(CryptoError);
    expect(() => nodeProvider.rsaEncrypt({ kind: 'rsa-pss', n, e }, new Uint8Array(1))).toThrow(CryptoError);
  });

  it('unpadPkcs1Type2 agrees with a straightforward parser on random encodings', () => {
    const naive = (em: Uint8Array): Uint8Array | null => {
      if (em[0] !== 0 || em[1] !== 2) return null;
      const sep = em.indexOf(0, 2);
      if (sep < 0 || sep < 10) return null;
      return em.slice(sep + 1);
    };
    const arbitraryEm = fc.oneof(
      fc.uint8Array({ minLength: 64, maxLength: 64 }),
      fc.tuple(fc.uint8Array({ minLength: 62, maxLength: 62 }), fc.nat({ max: 61 })).map(([rest, zeroAt]) => {
        const em = Uint8Array.of(0, 2, ...rest.map((b) => b | 1));
        em[2 + zeroAt] = 0;
        return em;
      }),
    );
    fc.assert(
      fc.property(arbitraryEm, (em) => {
        expect(unpadPkcs1Type2(em)).toEqual(naive(em));
      }),
      { numRuns: 300 },
    );
  });
});
