import { cbc } from '@noble/ciphers/aes.js';
import { expand, extract } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { HashAlgorithm } from '@sslsocket/suites';
import { CryptoError } from '@sslsocket/suites';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeProvider } from './node-provider.js';

const NOBLE = { 'SHA-1': sha1, 'SHA-224': sha224, 'SHA-256': sha256, 'SHA-384': sha384, 'SHA-512': sha512, MD5: md5 };
const algorithms = Object.keys(NOBLE) as HashAlgorithm[];
const bytes = (max = 200): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength: max });
const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

/** RFC 5246 §5 P_hash written out on noble's HMAC, as the reference for prf12. */
function referencePrf(
  algorithm: HashAlgorithm,
  secret: Uint8Array,
  label: Uint8Array,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  const h = NOBLE[algorithm];
  const labelSeed = Uint8Array.of(...label, ...seed);
  const out: number[] = [];
  let a = hmac(h, secret, labelSeed);
  while (out.length < length) {
    out.push(...hmac(h, secret, Uint8Array.of(...a, ...labelSeed)));
    a = hmac(h, secret, a);
  }
  return Uint8Array.from(out.slice(0, length));
}

describe('nodeProvider hashes', () => {
  for (const algorithm of algorithms) {
    it(`${algorithm}: digest, incremental hashing and clone match noble`, () => {
      fc.assert(
        fc.property(bytes(), bytes(), (a, b) => {
          expect(nodeProvider.digest(algorithm, Uint8Array.of(...a, ...b))).toEqual(
            NOBLE[algorithm](Uint8Array.of(...a, ...b)),
          );
          const ctx = nodeProvider.hash(algorithm);
          expect(ctx.outputLength).toBe(NOBLE[algorithm].outputLen);
          ctx.update(a);
          const fork = ctx.clone();
          ctx.update(b);
          // The fork saw only `a`: a transcript hash taken mid-handshake.
          expect(fork.digest()).toEqual(NOBLE[algorithm](a));
          expect(ctx.digest()).toEqual(NOBLE[algorithm](Uint8Array.of(...a, ...b)));
        }),
        { numRuns: 30 },
      );
    });

    it(`${algorithm}: hmac and a reused macKey match noble`, () => {
      fc.assert(
        fc.property(bytes(150), bytes(), bytes(), (key, m1, m2) => {
          expect(nodeProvider.hmac(algorithm, key, m1)).toEqual(hmac(NOBLE[algorithm], key, m1));
          const mac = nodeProvider.macKey(algorithm, key);
          mac.update(m1);
          expect(mac.digest()).toEqual(hmac(NOBLE[algorithm], key, m1));
          mac.update(m2);
          mac.update(m1);
          expect(mac.digest()).toEqual(hmac(NOBLE[algorithm], key, Uint8Array.of(...m2, ...m1)));
          expect(mac.digest()).toEqual(hmac(NOBLE[algorithm], key, new Uint8Array(0)));
        }),
        { numRuns: 30 },
      );
    });

    it(`${algorithm}: HKDF extract/expand and the TLS 1.2 PRF match references`, () => {
      const h = NOBLE[algorithm];
      fc.assert(
        fc.property(bytes(80), bytes(80), bytes(60), fc.nat({ max: 300 }), (salt, ikm, info, length) => {
          const prk = nodeProvider.hkdfExtract(algorithm, salt, ikm);
          expect(prk).toEqual(extract(h, ikm, salt));
          expect(nodeProvider.hkdfExpand(algorithm, prk, info, length)).toEqual(expand(h, prk, info, length));
          expect(nodeProvider.prf12(algorithm, ikm, salt, info, length)).toEqual(
            referencePrf(algorithm, ikm, salt, info, length),
          );
        }),
        { numRuns: 25 },
      );
    });
  }

  it('SHA-256 inputs on either side of the short-input bound (JavaScript HMAC below, OpenSSL above) agree with noble', () => {
    const h = NOBLE['SHA-256'];
    const key = new Uint8Array(32).fill(7);
    for (const length of [200, 255, 256, 257, 300, 1000]) {
      const data = new Uint8Array(length).map((_, i) => i);
      expect(nodeProvider.hmac('SHA-256', key, data)).toEqual(hmac(h, key, data));
      // HKDF-Expand hashes T(i-1) || info || i; the PRF A(i) || label || seed.
      const info = data.subarray(0, length - 33);
      expect(nodeProvider.hkdfExpand('SHA-256', key, info, 80)).toEqual(expand(h, key, info, 80));
      const seed = data.subarray(0, length - 40);
      const label = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
      expect(nodeProvider.prf12('SHA-256', key, label, seed, 80)).toEqual(
        referencePrf('SHA-256', key, label, seed, 80),
      );
    }
  });

  it('RFC 5869 Appendix A.1 (test case 1)', () => {
    const prk = nodeProvider.hkdfExtract('SHA-256', hex('000102030405060708090a0b0c'), new Uint8Array(22).fill(0x0b));
    expect(Buffer.from(prk).toString('hex')).toBe('077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5');
    const okm = nodeProvider.hkdfExpand('SHA-256', prk, hex('f0f1f2f3f4f5f6f7f8f9'), 42);
    expect(Buffer.from(okm).toString('hex')).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
  });

  it('rejects a PRK shorter than HashLen (RFC 5869 §2.3)', () => {
    expect(() => nodeProvider.hkdfExpand('SHA-256', new Uint8Array(31), new Uint8Array(0), 8)).toThrow(CryptoError);
  });

  it('rejects an HKDF-Expand length above 255 * HashLen', () => {
    expect(() => nodeProvider.hkdfExpand('SHA-256', new Uint8Array(32), new Uint8Array(0), 255 * 32 + 1)).toThrow(
      CryptoError,
    );
  });

  it('returns plain Uint8Arrays', () => {
    expect(Object.getPrototypeOf(nodeProvider.digest('SHA-256', new Uint8Array(1)))).toBe(Uint8Array.prototype);
    expect(nodeProvider.randomBytes(33)).toHaveLength(33);
  });
});

describe('nodeProvider raw CBC', () => {
  for (const [algorithm, keyLength] of [
    ['AES-128-CBC', 16],
    ['AES-256-CBC', 32],
  ] as const) {
    it(`${algorithm} matches noble without padding and decrypts back`, () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: keyLength, maxLength: keyLength }),
          fc.uint8Array({ minLength: 16, maxLength: 16 }),
          fc.nat({ max: 10 }).chain((blocks) => fc.uint8Array({ minLength: blocks * 16, maxLength: blocks * 16 })),
          fc.nat({ max: 5 }),
          (key, iv, plain, offset) => {
            const cbcKey = nodeProvider.cbc(algorithm, key);
            const buffer = new Uint8Array(offset + plain.length);
            buffer.set(plain, offset);
            cbcKey.encrypt(iv, buffer, offset, plain.length);
            expect(buffer.subarray(offset)).toEqual(cbc(key, iv, { disablePadding: true }).encrypt(plain));
            cbcKey.decrypt(iv, buffer, offset, plain.length);
            expect(buffer.subarray(offset)).toEqual(plain);
          },
        ),
        { numRuns: 30 },
      );
    });
  }

  it('refuses partial blocks', () => {
    const key = nodeProvider.cbc('AES-128-CBC', new Uint8Array(16));
    expect(() => key.encrypt(new Uint8Array(16), new Uint8Array(20), 0, 20)).toThrow(CryptoError);
  });
});
