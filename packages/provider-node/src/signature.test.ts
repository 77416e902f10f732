import * as crypto from 'node:crypto';
import { ed448 } from '@noble/curves/ed448.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { EcCurve, MaybePromise, PublicKey, SignatureSchemeName } from '@sslsocket/suites';
import { CryptoError, isPromiseLike } from '@sslsocket/suites';
import fc from 'fast-check';
import { mgf1, PKCS1_SHA1, PKCS1_SHA256, PKCS1_SHA384, PKCS1_SHA512, PSS } from 'micro-rsa-dsa-dh/rsa.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { privateKeyObject, publicKeyObject } from './keys.js';
import { nodeProvider } from './node-provider.js';
import { ecKeyPair, edKeyPair, rsaKeyPair, type TestKeyPair } from './test-keys.js';

function sync<T>(value: MaybePromise<T>): T {
  if (isPromiseLike(value)) throw new Error('nodeProvider must be synchronous');
  return value;
}
const message = fc.uint8Array({ maxLength: 300 });

let rsa: TestKeyPair;
beforeAll(() => {
  rsa = rsaKeyPair(2048);
});

describe('nodeProvider RSA signatures', () => {
  const pkcs1 = [
    ['rsa_pkcs1_sha1', PKCS1_SHA1],
    ['rsa_pkcs1_sha256', PKCS1_SHA256],
    ['rsa_pkcs1_sha384', PKCS1_SHA384],
    ['rsa_pkcs1_sha512', PKCS1_SHA512],
  ] as const;
  for (const [scheme, reference] of pkcs1) {
    it(`${scheme}: deterministic signatures equal micro-rsa-dsa-dh's, and verify both ways`, () => {
      fc.assert(
        fc.property(message, (m) => {
          const ours = sync(nodeProvider.sign(scheme, rsa.privateKey, m));
          const key = rsa.privateKey as { n: bigint; d: bigint };
          expect(ours).toEqual(reference.sign({ n: key.n, d: key.d }, m));
          expect(sync(nodeProvider.verify(scheme, rsa.publicKey, m, ours))).toBe(true);
          const bad = ours.slice();
          bad[10] ^= 1;
          expect(sync(nodeProvider.verify(scheme, rsa.publicKey, m, bad))).toBe(false);
        }),
        { numRuns: 5 },
      );
    });
  }

  const pss = [
    ['rsa_pss_rsae_sha256', sha256, 32],
    ['rsa_pss_rsae_sha384', sha384, 48],
    ['rsa_pss_rsae_sha512', sha512, 64],
  ] as const;
  for (const [scheme, hash, saltLength] of pss) {
    it(`${scheme}: salt = digest length, verifies across libraries both ways`, () => {
      const reference = PSS(hash, mgf1(hash), saltLength);
      const key = rsa.privateKey as { n: bigint; d: bigint; e: bigint };
      fc.assert(
        fc.property(message, (m) => {
          const ours = sync(nodeProvider.sign(scheme, rsa.privateKey, m));
          expect(reference.verify({ n: key.n, e: key.e }, m, ours)).toBe(true);
          const theirs = reference.sign({ n: key.n, d: key.d }, m);
          expect(sync(nodeProvider.verify(scheme, rsa.publicKey, m, theirs))).toBe(true);
          expect(sync(nodeProvider.verify(scheme, rsa.publicKey, Uint8Array.of(...m, 1), theirs))).toBe(false);
          // A PSS key (rsa_pss_pss_*) carries the same math.
          const pssScheme = scheme.replace('rsae', 'pss') as SignatureSchemeName;
          const pssKey: PublicKey = { kind: 'rsa-pss', n: key.n, e: key.e };
          expect(sync(nodeProvider.verify(pssScheme, pssKey, m, ours))).toBe(true);
        }),
        { numRuns: 4 },
      );
    });
  }

  it('a salt length other than the digest length does not verify (RFC 8446 §4.2.3)', () => {
    const m = new Uint8Array(10);
    const key = rsa.privateKey as { n: bigint; d: bigint };
    const shortSalt = PSS(sha256, mgf1(sha256), 20).sign({ n: key.n, d: key.d }, m);
    expect(sync(nodeProvider.verify('rsa_pss_rsae_sha256', rsa.publicKey, m, shortSalt))).toBe(false);
  });

  it('refuses PKCS#1 v1.5 with an RSASSA-PSS key and a hash other than the key restricts to', () => {
    const { n, e } = rsa.privateKey as { n: bigint; e: bigint };
    const sig = new Uint8Array(256);
    expect(() => nodeProvider.verify('rsa_pkcs1_sha256', { kind: 'rsa-pss', n, e }, sig, sig)).toThrow(CryptoError);
    expect(() =>
      nodeProvider.verify('rsa_pss_pss_sha384', { kind: 'rsa-pss', n, e, hash: 'SHA-256' }, sig, sig),
    ).toThrow(CryptoError);
  });

  it('imports a key once and reuses the cached KeyObject', () => {
    expect(privateKeyObject(rsa.privateKey)).toBe(privateKeyObject(rsa.privateKey));
    expect(publicKeyObject(rsa.publicKey)).toBe(publicKeyObject(rsa.publicKey));
    // A structurally equal but distinct object is a different cache entry holding the same key.
    const copy = { ...rsa.publicKey } as PublicKey;
    expect(publicKeyObject(copy)).not.toBe(publicKeyObject(rsa.publicKey));
    expect(publicKeyObject(copy).equals(publicKeyObject(rsa.publicKey))).toBe(true);
  });
});

describe('nodeProvider ECDSA', () => {
  const cases = [
    ['ecdsa_secp256r1_sha256', 'P-256', p256, sha256],
    ['ecdsa_secp384r1_sha384', 'P-384', p384, sha384],
    ['ecdsa_secp521r1_sha512', 'P-521', p521, sha512],
    ['ecdsa_sha1', 'P-256', p256, sha1],
    ['ecdsa_sha256', 'P-384', p384, sha256],
  ] as const;
  for (const [scheme, curve, noble, hash] of cases) {
    it(`${scheme} on ${curve}: DER signatures verify across libraries both ways`, () => {
      const pair = ecKeyPair(curve as EcCurve);
      const d = (pair.privateKey as { d: Uint8Array }).d;
      const point = (pair.publicKey as { point: Uint8Array }).point;
      expect(noble.getPublicKey(d, false)).toEqual(point);
      fc.assert(
        fc.property(message, (m) => {
          const ours = sync(nodeProvider.sign(scheme, pair.privateKey, m));
          expect(ours[0]).toBe(0x30); // DER SEQUENCE (RFC 8446 §4.2.3)
          expect(noble.verify(ours, hash(m), point, { prehash: false, format: 'der', lowS: false })).toBe(true);
          const theirs = noble.sign(hash(m), d, { prehash: false, format: 'der' });
          expect(sync(nodeProvider.verify(scheme, pair.publicKey, m, theirs))).toBe(true);
          expect(sync(nodeProvider.verify(scheme, pair.publicKey, Uint8Array.of(...m, 0), theirs))).toBe(false);
          expect(sync(nodeProvider.verify(scheme, pair.publicKey, m, theirs.subarray(1)))).toBe(false);
        }),
        { numRuns: 5 },
      );
    });
  }

  it('refuses a key on the wrong curve and an off-curve point', () => {
    const p384pair = ecKeyPair('P-384');
    expect(() => nodeProvider.sign('ecdsa_secp256r1_sha256', p384pair.privateKey, new Uint8Array(1))).toThrow(
      CryptoError,
    );
    const point = (p384pair.publicKey as { point: Uint8Array }).point.slice();
    point[point.length - 1] ^= 1;
    expect(() => nodeProvider.verify('ecdsa_sha384', { kind: 'ec', curve: 'P-384', point }, point, point)).toThrow(
      CryptoError,
    );
  });
});

describe('nodeProvider EdDSA', () => {
  for (const [scheme, noble] of [
    ['ed25519', ed25519],
    ['ed448', ed448],
  ] as const) {
    it(`${scheme}: signatures are byte-equal to noble's (deterministic) and verify both ways`, () => {
      const pair = edKeyPair(scheme);
      const seed = (pair.privateKey as { seed: Uint8Array }).seed;
      expect(noble.getPublicKey(seed)).toEqual((pair.publicKey as { key: Uint8Array }).key);
      fc.assert(
        fc.property(message, (m) => {
          const ours = sync(nodeProvider.sign(scheme, pair.privateKey, m));
          expect(ours).toEqual(noble.sign(m, seed));
          expect(sync(nodeProvider.verify(scheme, pair.publicKey, m, ours))).toBe(true);
          const bad = ours.slice();
          bad[0] ^= 0x80;
          expect(sync(nodeProvider.verify(scheme, pair.publicKey, m, bad))).toBe(false);
        }),
        { numRuns: 10 },
      );
    });
  }

  it('refuses an Ed25519 key for ed448 and a malformed public key', () => {
    const pair = edKeyPair('ed25519');
    expect(() => nodeProvider.sign('ed448', pair.privateKey, new Uint8Array(1))).toThrow(CryptoError);
    expect(() =>
      nodeProvider.verify(
        'ed25519',
        { kind: 'ed25519', key: new Uint8Array(31) },
        new Uint8Array(1),
        new Uint8Array(64),
      ),
    ).toThrow(CryptoError);
  });

  it('node verifies what it signs through KeyObjects it generated itself', () => {
    const pair = crypto.generateKeyPairSync('ed25519');
    const jwk = pair.privateKey.export({ format: 'jwk' });
    const key = Uint8Array.from(Buffer.from(jwk.x ?? '', 'base64url'));
    const sig = crypto.sign(null, new Uint8Array(3), pair.privateKey);
    expect(sync(nodeProvider.verify('ed25519', { kind: 'ed25519', key }, new Uint8Array(3), sig))).toBe(true);
  });
});
