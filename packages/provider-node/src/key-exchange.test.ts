import { readFileSync } from 'node:fs';
import { x448 } from '@noble/curves/ed448.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import type { GroupName, KeyShare, KeyShareResponse, MaybePromise } from '@sslsocket/suites';
import { CryptoError, type FfdheGroup, ffdhePrime, isPromiseLike } from '@sslsocket/suites';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bigintToBytes, bytesToBigint } from './bytes.js';
import { nodeProvider } from './node-provider.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function sync<T>(value: MaybePromise<T>): T {
  if (isPromiseLike(value)) throw new Error('nodeProvider must be synchronous');
  return value;
}
const share = (group: GroupName, key?: Uint8Array): KeyShare => sync(nodeProvider.keyShare(group, key));
const accept = (group: GroupName, peer: Uint8Array, key?: Uint8Array): KeyShareResponse =>
  sync(nodeProvider.acceptKeyShare(group, peer, key));

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

describe('nodeProvider X25519 / X448', () => {
  it('RFC 7748 §6.1 X25519 sample', () => {
    const alice = share('x25519', hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a'));
    expect(toHex(alice.publicKey)).toBe('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    const bob = accept(
      'x25519',
      alice.publicKey,
      hex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb'),
    );
    expect(toHex(bob.publicKey)).toBe('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    const expected = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
    expect(toHex(bob.sharedSecret)).toBe(expected);
    expect(toHex(sync(alice.complete(bob.publicKey)))).toBe(expected);
  });

  for (const [group, noble, size] of [
    ['x25519', x25519, 32],
    ['x448', x448, 56],
  ] as const) {
    it(`${group}: injected scalars give noble's public values and secrets agree across libraries`, () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: size, maxLength: size }),
          fc.uint8Array({ minLength: size, maxLength: size }),
          (a, b) => {
            const ours = share(group, a);
            expect(ours.publicKey).toEqual(noble.getPublicKey(a));
            const peerPublic = noble.getPublicKey(b);
            expect(sync(ours.complete(peerPublic))).toEqual(noble.getSharedSecret(b, ours.publicKey));
          },
        ),
        { numRuns: 15 },
      );
    });

    it(`${group}: random shares agree with each other and bad peers throw CryptoError`, () => {
      const a = share(group);
      const b = accept(group, a.publicKey);
      expect(sync(a.complete(b.publicKey))).toEqual(b.sharedSecret);
      expect(() => a.complete(new Uint8Array(size - 1))).toThrow(CryptoError);
      // The all-zero point has low order: the shared secret would be all zero (RFC 8446 §7.4.2).
      expect(() => a.complete(new Uint8Array(size))).toThrow(CryptoError);
    });
  }
});

describe('nodeProvider ECDH', () => {
  for (const [group, noble, size] of [
    ['secp256r1', p256, 32],
    ['secp384r1', p384, 48],
    ['secp521r1', p521, 66],
  ] as const) {
    it(`${group}: injected scalars match noble, agreement works both ways`, () => {
      for (let i = 0; i < 8; i++) {
        const a = noble.utils.randomSecretKey();
        const b = noble.utils.randomSecretKey();
        expect(a).toHaveLength(size);
        const ours = share(group, a);
        expect(ours.publicKey).toEqual(noble.getPublicKey(a, false));
        const theirs = noble.getPublicKey(b, false);
        const expected = noble.getSharedSecret(b, ours.publicKey, true).subarray(1);
        expect(sync(ours.complete(theirs))).toEqual(expected);
        const response = accept(group, theirs, a);
        expect(response.sharedSecret).toEqual(expected);
      }
    });

    it(`${group}: compressed, off-curve and malformed peers throw CryptoError`, () => {
      const ours = share(group);
      const peer = noble.getPublicKey(noble.utils.randomSecretKey(), false);
      expect(() => ours.complete(noble.getPublicKey(noble.utils.randomSecretKey(), true))).toThrow(CryptoError);
      const offCurve = peer.slice();
      offCurve[offCurve.length - 1] ^= 1;
      expect(() => ours.complete(offCurve)).toThrow(CryptoError);
      expect(() => share(group, new Uint8Array(size))).toThrow(CryptoError);
    });
  }
});

describe('nodeProvider FFDHE', () => {
  for (const group of ['ffdhe2048', 'ffdhe3072', 'ffdhe4096', 'ffdhe6144', 'ffdhe8192'] as FfdheGroup[]) {
    it(`${group}: the prime derived from RFC 7919's formula equals OpenSSL's`, () => {
      const fixture = readFileSync(new URL(`../../../test-vectors/ffdhe/${group}.hex`, import.meta.url), 'utf8').trim();
      expect(ffdhePrime(group).toString(16)).toBe(fixture);
    });
  }

  it('ffdhe2048: public values and secrets are g^x mod p, left-padded to the size of p', () => {
    const p = ffdhePrime('ffdhe2048');
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (a, b) => {
          fc.pre(bytesToBigint(a) > 1n && bytesToBigint(b) > 1n);
          const ours = share('ffdhe2048', a);
          expect(ours.publicKey).toEqual(bigintToBytes(modPow(2n, bytesToBigint(a), p), 256));
          const response = accept('ffdhe2048', ours.publicKey, b);
          const expected = bigintToBytes(modPow(2n, bytesToBigint(a) * bytesToBigint(b), p), 256);
          expect(response.sharedSecret).toEqual(expected);
          expect(sync(ours.complete(response.publicKey))).toEqual(expected);
        },
      ),
      { numRuns: 5 },
    );
  });

  it('keeps leading zeros of small public values and secrets (full-length form)', () => {
    // x = 3: g^x = 8, a one-byte number that must still be sent as 256 bytes.
    const ours = share('ffdhe2048', Uint8Array.of(3));
    expect(ours.publicKey).toHaveLength(256);
    expect(bytesToBigint(ours.publicKey)).toBe(8n);
    const secret = sync(ours.complete(bigintToBytes(4n, 256)));
    expect(secret).toHaveLength(256);
    expect(bytesToBigint(secret)).toBe(64n);
  });

  it('rejects peer values outside 1 < y < p - 1 (RFC 7919 §5.1)', () => {
    const p = ffdhePrime('ffdhe2048');
    const ours = share('ffdhe2048');
    for (const y of [0n, 1n, p - 1n, p]) {
      expect(() => ours.complete(bigintToBytes(y, 256))).toThrow(CryptoError);
    }
  });

  it('custom DH parameters (TLS 1.2 DHE) agree and pad to the size of p', () => {
    const parameters = { p: ffdhePrime('ffdhe2048'), g: 2n };
    const a = sync(nodeProvider.dhKeyShare(parameters));
    const b = sync(nodeProvider.dhKeyShare(parameters));
    expect(a.group).toBe('custom-dh');
    expect(a.publicKey).toHaveLength(256);
    expect(sync(a.complete(b.publicKey))).toEqual(sync(b.complete(a.publicKey)));
  });
});

describe('nodeProvider X25519MLKEM768', () => {
  it('injected keys give the draft-ietf-tls-ecdhe-mlkem encodings built from noble parts', () => {
    const seed = nodeProvider.randomBytes(64);
    const scalar = nodeProvider.randomBytes(32);
    const client = share('X25519MLKEM768', Uint8Array.of(...seed, ...scalar));
    const kem = ml_kem768.keygen(seed);
    expect(client.publicKey).toEqual(Uint8Array.of(...kem.publicKey, ...x25519.getPublicKey(scalar)));

    const msg = nodeProvider.randomBytes(32);
    const serverScalar = nodeProvider.randomBytes(32);
    const server = accept('X25519MLKEM768', client.publicKey, Uint8Array.of(...msg, ...serverScalar));
    const encapsulated = ml_kem768.encapsulate(kem.publicKey, msg);
    expect(server.publicKey).toEqual(Uint8Array.of(...encapsulated.cipherText, ...x25519.getPublicKey(serverScalar)));
    const expected = Uint8Array.of(
      ...encapsulated.sharedSecret,
      ...x25519.getSharedSecret(serverScalar, x25519.getPublicKey(scalar)),
    );
    expect(server.sharedSecret).toEqual(expected);
    expect(sync(client.complete(server.publicKey))).toEqual(expected);
  });

  it('random shares agree; bad lengths throw CryptoError', () => {
    const client = share('X25519MLKEM768');
    expect(client.publicKey).toHaveLength(1216);
    const server = accept('X25519MLKEM768', client.publicKey);
    expect(server.publicKey).toHaveLength(1120);
    expect(sync(client.complete(server.publicKey))).toEqual(server.sharedSecret);
    expect(() => client.complete(server.publicKey.subarray(1))).toThrow(CryptoError);
    expect(() => accept('X25519MLKEM768', client.publicKey.subarray(1))).toThrow(CryptoError);
  });
});
