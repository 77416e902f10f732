import type { AeadAlgorithm, GroupName, MaybePromise } from '@sslsocket/suites';
import { isPromiseLike, nobleProvider } from '@sslsocket/suites';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeProvider } from './node-provider.js';
import { ecKeyPair, edKeyPair } from './test-keys.js';

function sync<T>(value: MaybePromise<T>): T {
  if (isPromiseLike(value)) throw new Error('expected a synchronous provider');
  return value;
}

const AEADS: [AeadAlgorithm, number][] = [
  ['AES-128-GCM', 16],
  ['AES-256-GCM', 32],
  ['CHACHA20-POLY1305', 32],
  ['AES-128-CCM', 16],
  ['AES-256-CCM-8', 32],
];

describe('nodeProvider against nobleProvider', () => {
  for (const [algorithm, keyLength] of AEADS) {
    it(`${algorithm}: byte-equal seal, each opens the other's`, () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: keyLength, maxLength: keyLength }),
          fc.uint8Array({ minLength: 12, maxLength: 12 }),
          fc.uint8Array({ maxLength: 20 }),
          fc.uint8Array({ maxLength: 100 }),
          (key, nonce, aad, plain) => {
            const ours = nodeProvider.aead(algorithm, key);
            const theirs = nobleProvider.aead(algorithm, key);
            const a = Uint8Array.of(...plain, ...new Uint8Array(ours.tagLength));
            const b = a.slice();
            sync(ours.seal(nonce, aad, a, 0, plain.length));
            sync(theirs.seal(nonce, aad, b, 0, plain.length));
            expect(a).toEqual(b);
            expect(sync(theirs.open(nonce, aad, a, 0, a.length))).toBe(true);
            expect(a.subarray(0, plain.length)).toEqual(plain);
          },
        ),
        { numRuns: 15 },
      );
    });
  }

  it('HKDF, HMAC and PRF agree', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.nat({ max: 100 }),
        (a, b, n) => {
          expect(nodeProvider.hkdfExtract('SHA-384', a, b)).toEqual(nobleProvider.hkdfExtract('SHA-384', a, b));
          const prk = nodeProvider.hkdfExtract('SHA-256', a, b);
          expect(nodeProvider.hkdfExpand('SHA-256', prk, a, n)).toEqual(nobleProvider.hkdfExpand('SHA-256', prk, a, n));
          expect(nodeProvider.hmac('SHA-512', a, b)).toEqual(nobleProvider.hmac('SHA-512', a, b));
          expect(nodeProvider.prf12('SHA-256', a, b, a, n)).toEqual(nobleProvider.prf12('SHA-256', a, b, a, n));
        },
      ),
      { numRuns: 20 },
    );
  });

  for (const group of [
    'x25519',
    'x448',
    'secp256r1',
    'secp384r1',
    'ffdhe2048',
    'X25519MLKEM768',
    'SecP256r1MLKEM768',
    'SecP384r1MLKEM1024',
    'MLKEM512',
    'MLKEM768',
    'MLKEM1024',
  ] as GroupName[]) {
    it(`${group}: key agreement works across providers both ways`, () => {
      const a = sync(nodeProvider.keyShare(group));
      const b = sync(nobleProvider.acceptKeyShare(group, a.publicKey));
      expect(sync(a.complete(b.publicKey))).toEqual(b.sharedSecret);
      const c = sync(nobleProvider.keyShare(group));
      const d = sync(nodeProvider.acceptKeyShare(group, c.publicKey));
      expect(sync(c.complete(d.publicKey))).toEqual(d.sharedSecret);
    });
  }

  it('injected X25519MLKEM768 keys give the same public values as noble', () => {
    const key = nodeProvider.randomBytes(96);
    const a = sync(nodeProvider.keyShare('X25519MLKEM768', key));
    expect(a.publicKey).toEqual(sync(nobleProvider.keyShare('X25519MLKEM768', key)).publicKey);
    const ffdhe = Uint8Array.of(1, ...nodeProvider.randomBytes(31));
    expect(sync(nodeProvider.keyShare('ffdhe2048', ffdhe)).publicKey).toEqual(
      sync(nobleProvider.keyShare('ffdhe2048', ffdhe)).publicKey,
    );
  });

  it('signatures verify across providers both ways', () => {
    const m = nodeProvider.randomBytes(50);
    for (const [scheme, pair] of [
      ['ecdsa_secp256r1_sha256', ecKeyPair('P-256')],
      ['ecdsa_secp384r1_sha384', ecKeyPair('P-384')],
      ['ed25519', edKeyPair('ed25519')],
      ['ed448', edKeyPair('ed448')],
    ] as const) {
      const ours = sync(nodeProvider.sign(scheme, pair.privateKey, m));
      expect(sync(nobleProvider.verify(scheme, pair.publicKey, m, ours))).toBe(true);
      const theirs = sync(nobleProvider.sign(scheme, pair.privateKey, m));
      expect(sync(nodeProvider.verify(scheme, pair.publicKey, m, theirs))).toBe(true);
    }
  });
});
