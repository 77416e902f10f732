// X25519/X448 public values in and out of KeyObjects: raw (`'raw-public'`, where the runtime has it)
// or through JWK, the same bytes either way (RFC 7748 §5, §6.1).
import * as crypto from 'node:crypto';
import { x448 } from '@noble/curves/ed448.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { generateMontgomeryKeyPair, montgomeryPublicKey, rawPublicKeys } from './keys.js';

const jwkX = (key: crypto.KeyObject): Uint8Array =>
  Uint8Array.from(Buffer.from(key.export({ format: 'jwk' }).x as string, 'base64url'));

/** Whether this runtime exports raw public keys, asked directly rather than through keys.ts. */
function runtimeHasRawPublic(): boolean {
  try {
    crypto.generateKeyPairSync('x25519').publicKey.export({ format: 'raw-public' } as never);
    return true;
  } catch {
    return false;
  }
}

describe('Montgomery public values', () => {
  it('raw key formats are used exactly where the runtime has them', () => {
    expect(rawPublicKeys).toBe(runtimeHasRawPublic());
  });

  for (const [group, noble, size] of [
    ['x25519', x25519, 32],
    ['x448', x448, 56],
  ] as const) {
    it(`${group}: a generated pair's public value is its key's (agrees with noble and with JWK)`, () => {
      const { privateKey, publicValue } = generateMontgomeryKeyPair(group);
      expect(publicValue.length).toBe(size);
      expect(publicValue).toEqual(jwkX(crypto.createPublicKey(privateKey)));
      const peer = noble.utils.randomSecretKey();
      const ours = crypto.diffieHellman({
        privateKey,
        publicKey: montgomeryPublicKey(group, noble.getPublicKey(peer)),
      });
      expect(Uint8Array.from(ours)).toEqual(noble.getSharedSecret(peer, publicValue));
    });

    it(`${group}: an imported public value exports as the same bytes`, () => {
      const value = noble.getPublicKey(noble.utils.randomSecretKey());
      expect(jwkX(montgomeryPublicKey(group, value))).toEqual(value);
      expect(() => montgomeryPublicKey(group, value.subarray(1))).toThrow(/must be/);
    });
  }
});
