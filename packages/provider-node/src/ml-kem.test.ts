// The load-time detection of node:crypto's ML-KEM. Under Node 20 (the floor, which vitest runs on)
// there is none and the groups run on noble; the native path itself is exercised under Node 24 by
// interop/native-mlkem.test.ts.
import * as crypto from 'node:crypto';
import { nobleMlKem } from '@sslsocket/suites';
import { describe, expect, it } from 'vitest';
import { nodeMlKem } from './ml-kem.js';

const hasNative = typeof (crypto as { encapsulate?: unknown }).encapsulate === 'function';

describe('nodeMlKem', () => {
  it('is defined exactly when node:crypto has encapsulate()', () => {
    expect(nodeMlKem !== undefined).toBe(hasNative);
  });

  it('agrees with noble whichever backend the provider uses (seeded keys, both directions)', () => {
    const backend = nodeMlKem ?? nobleMlKem;
    const random = (n: number): Uint8Array => crypto.randomFillSync(new Uint8Array(n));
    const seed = new Uint8Array(64).fill(3);
    const ours = backend.keygen(768, seed, random);
    const theirs = nobleMlKem.keygen(768, seed, random);
    expect(ours.publicKey).toEqual(theirs.publicKey);
    const toOurs = nobleMlKem.encapsulate(768, ours.publicKey, undefined, random);
    expect(ours.decapsulate(toOurs.cipherText)).toEqual(toOurs.sharedSecret);
    const toTheirs = backend.encapsulate(768, theirs.publicKey, undefined, random);
    expect(theirs.decapsulate(toTheirs.cipherText)).toEqual(toTheirs.sharedSecret);
  });

  it('refuses an encapsulation key failing the FIPS 203 §7.2 modulus check', () => {
    const backend = nodeMlKem ?? nobleMlKem;
    const random = (n: number): Uint8Array => crypto.randomFillSync(new Uint8Array(n));
    expect(() => backend.encapsulate(768, new Uint8Array(1184).fill(0xff), undefined, random)).toThrow();
  });
});
