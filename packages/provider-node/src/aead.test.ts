import { ecb, gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import type { AeadAlgorithm } from '@sslsocket/suites';
import { CryptoError } from '@sslsocket/suites';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeProvider } from './node-provider.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

/**
 * Reference AES-CCM (RFC 3610 §2) on noble's AES block function, for a 12-byte nonce (L = 3):
 * independent of OpenSSL, so the cross-check means something.
 */
function ccmReference(
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plain: Uint8Array,
  tagLength: number,
): Uint8Array {
  const aes = (block: Uint8Array): Uint8Array => ecb(key, { disablePadding: true }).encrypt(block);
  const L = 3;
  // B_0: flags (Adata, M' = (M-2)/2, L' = L-1), nonce, l(m).
  const b0 = new Uint8Array(16);
  b0[0] = (aad.length > 0 ? 0x40 : 0) | (((tagLength - 2) / 2) << 3) | (L - 1);
  b0.set(nonce, 1);
  b0[13] = (plain.length >> 16) & 0xff;
  b0[14] = (plain.length >> 8) & 0xff;
  b0[15] = plain.length & 0xff;
  const blocks: number[] = [...b0];
  if (aad.length > 0) {
    const encodedAad = [(aad.length >> 8) & 0xff, aad.length & 0xff, ...aad]; // aad < 2^16 - 2^8
    while (encodedAad.length % 16 !== 0) encodedAad.push(0);
    blocks.push(...encodedAad);
  }
  const body = [...plain];
  while (body.length % 16 !== 0) body.push(0);
  blocks.push(...body);
  let x: Uint8Array = new Uint8Array(16);
  for (let i = 0; i < blocks.length; i += 16) {
    const b = Uint8Array.from(blocks.slice(i, i + 16));
    for (let j = 0; j < 16; j++) b[j] ^= x[j];
    x = aes(b);
  }
  const ctr = (i: number): Uint8Array => {
    const a = new Uint8Array(16);
    a[0] = L - 1;
    a.set(nonce, 1);
    a[13] = (i >> 16) & 0xff;
    a[14] = (i >> 8) & 0xff;
    a[15] = i & 0xff;
    return aes(a);
  };
  const out = new Uint8Array(plain.length + tagLength);
  for (let i = 0; i < plain.length; i++) out[i] = plain[i] ^ ctr(1 + Math.floor(i / 16))[i % 16];
  const s0 = ctr(0);
  for (let i = 0; i < tagLength; i++) out[plain.length + i] = x[i] ^ s0[i];
  return out;
}

const KEY_LENGTH: Record<AeadAlgorithm, number> = {
  'AES-128-GCM': 16,
  'AES-256-GCM': 32,
  'CHACHA20-POLY1305': 32,
  'AES-128-CCM': 16,
  'AES-256-CCM': 32,
  'AES-128-CCM-8': 16,
  'AES-256-CCM-8': 32,
};

function reference(
  algorithm: AeadAlgorithm,
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plain: Uint8Array,
): Uint8Array {
  switch (algorithm) {
    case 'AES-128-GCM':
    case 'AES-256-GCM':
      return gcm(key, nonce, aad).encrypt(plain);
    case 'CHACHA20-POLY1305':
      return chacha20poly1305(key, nonce, aad).encrypt(plain);
    case 'AES-128-CCM':
    case 'AES-256-CCM':
      return ccmReference(key, nonce, aad, plain, 16);
    case 'AES-128-CCM-8':
    case 'AES-256-CCM-8':
      return ccmReference(key, nonce, aad, plain, 8);
  }
}

const algorithms = Object.keys(KEY_LENGTH) as AeadAlgorithm[];

describe('nodeProvider AEAD', () => {
  it('RFC 8439 §2.8.2 ChaCha20-Poly1305 sample', () => {
    const key = hex('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
    const nonce = hex('070000004041424344454647');
    const aad = hex('50515253c0c1c2c3c4c5c6c7');
    const plain = new TextEncoder().encode(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
    );
    const buffer = new Uint8Array(plain.length + 16);
    buffer.set(plain);
    nodeProvider.aead('CHACHA20-POLY1305', key).seal(nonce, aad, buffer, 0, plain.length);
    expect(Buffer.from(buffer.subarray(plain.length)).toString('hex')).toBe('1ae10b594f09e26a7e902ecbd0600691');
    expect(Buffer.from(buffer.subarray(0, 16)).toString('hex')).toBe('d31a8d34648e60db7b86afbc53ef7ec2');
  });

  for (const algorithm of algorithms) {
    it(`${algorithm}: seal is byte-equal to an independent implementation, open inverts it, tampering fails`, () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: KEY_LENGTH[algorithm], maxLength: KEY_LENGTH[algorithm] }),
          fc.uint8Array({ minLength: 12, maxLength: 12 }),
          fc.uint8Array({ maxLength: 40 }),
          fc.uint8Array({ maxLength: 300 }),
          fc.nat({ max: 7 }),
          fc.nat(),
          (key, nonce, aad, plain, offset, flip) => {
            const aeadKey = nodeProvider.aead(algorithm, key);
            const tagLength = aeadKey.tagLength;
            const expected = reference(algorithm, key, nonce, aad, plain);
            // Work in the middle of a larger buffer to check offsets are honoured.
            const buffer = new Uint8Array(offset + plain.length + tagLength + 5).fill(0xee);
            buffer.set(plain, offset);
            aeadKey.seal(nonce, aad, buffer, offset, plain.length);
            expect(buffer.subarray(offset, offset + plain.length + tagLength)).toEqual(expected);
            expect(buffer.subarray(0, offset).every((b) => b === 0xee)).toBe(true);
            expect(buffer.subarray(offset + plain.length + tagLength).every((b) => b === 0xee)).toBe(true);

            const sealed = buffer.slice();
            expect(aeadKey.open(nonce, aad, buffer, offset, plain.length + tagLength)).toBe(true);
            expect(buffer.subarray(offset, offset + plain.length)).toEqual(plain);

            const tampered = sealed.slice();
            const at = offset + (flip % (plain.length + tagLength));
            tampered[at] ^= 1 << (flip % 8);
            expect(aeadKey.open(nonce, aad, tampered, offset, plain.length + tagLength)).toBe(false);
            const wrongAad = Uint8Array.of(...aad, 0);
            expect(aeadKey.open(nonce, wrongAad, sealed.slice(), offset, plain.length + tagLength)).toBe(false);
          },
        ),
        { numRuns: 40 },
      );
    });
  }

  it('rejects short input, bad key and nonce lengths', () => {
    const key = nodeProvider.aead('AES-128-GCM', new Uint8Array(16));
    expect(key.open(new Uint8Array(12), new Uint8Array(0), new Uint8Array(15), 0, 15)).toBe(false);
    expect(() => nodeProvider.aead('AES-128-GCM', new Uint8Array(32))).toThrow(CryptoError);
    expect(() => key.seal(new Uint8Array(8), new Uint8Array(0), new Uint8Array(16), 0, 0)).toThrow(CryptoError);
    expect(nodeProvider.aead('AES-128-CCM-8', new Uint8Array(16)).tagLength).toBe(8);
  });
});

describe('sealTo with a trailer (the record layer passes TLS 1.3 inner type and padding)', () => {
  const algorithms: AeadAlgorithm[] = [
    'AES-128-GCM',
    'AES-256-GCM',
    'CHACHA20-POLY1305',
    'AES-128-CCM',
    'AES-128-CCM-8',
  ];
  it('equals copying input || trailer and sealing in place, for every AEAD', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...algorithms),
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 40 }),
        (algorithm, input, trailer) => {
          const keyLength = algorithm.startsWith('AES-128') ? 16 : 32;
          const key = nodeProvider.aead(algorithm, new Uint8Array(keyLength).fill(5));
          const nonce = new Uint8Array(12).fill(1);
          const aad = Uint8Array.of(23, 3, 3, 0, 9);
          const length = input.length + trailer.length;
          const inPlace = new Uint8Array(length + key.tagLength);
          inPlace.set(input);
          inPlace.set(trailer, input.length);
          key.seal(nonce, aad, inPlace, 0, length);
          const direct = new Uint8Array(3 + length + key.tagLength);
          key.sealTo?.(nonce, aad, input, trailer, direct, 3);
          expect(direct.subarray(3)).toEqual(inPlace);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('openDetached (the record layer keeps the plaintext array node:crypto returns)', () => {
  const algorithms: AeadAlgorithm[] = ['AES-128-GCM', 'CHACHA20-POLY1305', 'AES-128-CCM', 'AES-128-CCM-8'];
  it('returns what open leaves in place, leaves the buffer untouched, and null for any flipped bit', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...algorithms),
        fc.uint8Array({ maxLength: 300 }),
        fc.nat(),
        (algorithm, plain, flip) => {
          const keyLength = algorithm.startsWith('AES-128') ? 16 : 32;
          const key = nodeProvider.aead(algorithm, new Uint8Array(keyLength).fill(9));
          const nonce = new Uint8Array(12).fill(2);
          const aad = Uint8Array.of(23, 3, 3, 1, 2);
          const sealed = new Uint8Array(4 + plain.length + key.tagLength);
          sealed.set(plain, 4);
          key.seal(nonce, aad, sealed, 4, plain.length);
          const before = sealed.slice();
          const opened = key.openDetached?.(nonce, aad, sealed, 4, plain.length + key.tagLength);
          expect(opened).toEqual(plain);
          expect(opened).not.toBeInstanceOf(Buffer);
          expect(sealed).toEqual(before);
          const bit = flip % ((plain.length + key.tagLength) * 8);
          sealed[4 + (bit >> 3)] ^= 1 << (bit & 7);
          expect(key.openDetached?.(nonce, aad, sealed, 4, plain.length + key.tagLength)).toBeNull();
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('nodeProvider AEAD key lifetime', () => {
  it('seals the same from its first use (raw key) to its later ones (imported once), whatever the caller does to its key array', () => {
    for (const algorithm of algorithms) {
      const key = new Uint8Array(KEY_LENGTH[algorithm]).map((_, i) => i * 7 + 1);
      const original = key.slice();
      const aeadKey = nodeProvider.aead(algorithm, key);
      key.fill(0);
      const plain = Uint8Array.of(1, 2, 3, 4, 5);
      for (let use = 0; use < 4; use++) {
        const nonce = new Uint8Array(12).fill(use);
        const buffer = new Uint8Array(plain.length + aeadKey.tagLength);
        buffer.set(plain);
        aeadKey.seal(nonce, new Uint8Array(0), buffer, 0, plain.length);
        expect(buffer).toEqual(reference(algorithm, original, nonce, new Uint8Array(0), plain));
        expect(aeadKey.open(nonce, new Uint8Array(0), buffer, 0, buffer.length)).toBe(true);
        expect(buffer.subarray(0, plain.length)).toEqual(plain);
      }
    }
  });
});
