// The ML-KEM groups beside X25519MLKEM768 on both providers: SecP256r1MLKEM768 and SecP384r1MLKEM1024
// put the ECDHE half first (RFC 10024 §4.1), the pure groups carry ML-KEM alone (draft-ietf-tls-mlkem
// §3). Expected bytes are built here from noble's ML-KEM and curves, independently of kem-groups.ts.
import { p256, p384 } from '@noble/curves/nist.js';
import { ml_kem512, ml_kem768, ml_kem1024 } from '@noble/post-quantum/ml-kem.js';
import {
  CryptoError,
  checkPeerShare,
  type GroupName,
  groupByCode,
  groupByName,
  isPromiseLike,
  type MaybePromise,
  nobleProvider,
  TlsAlert,
  webcryptoProvider,
} from '@sslsocket/suites';
import { describe, expect, it } from 'vitest';
import { nodeProvider } from './node-provider.js';

function sync<T>(value: MaybePromise<T>): T {
  if (isPromiseLike(value)) throw new Error('expected a synchronous result');
  return value;
}
const cat = (...parts: Uint8Array[]): Uint8Array => Uint8Array.from(parts.flatMap((p) => [...p]));

const HYBRIDS = [
  { group: 'SecP256r1MLKEM768', code: 0x11eb, curve: p256, scalar: 32, kem: ml_kem768, client: 1249, server: 1153 },
  { group: 'SecP384r1MLKEM1024', code: 0x11ed, curve: p384, scalar: 48, kem: ml_kem1024, client: 1665, server: 1665 },
] as const;

const PURE = [
  { group: 'MLKEM512', code: 0x0200, kem: ml_kem512, client: 800, server: 768 },
  { group: 'MLKEM768', code: 0x0201, kem: ml_kem768, client: 1184, server: 1088 },
  { group: 'MLKEM1024', code: 0x0202, kem: ml_kem1024, client: 1568, server: 1568 },
] as const;

describe('SecP256r1MLKEM768 / SecP384r1MLKEM1024 (RFC 10024)', () => {
  for (const h of HYBRIDS) {
    for (const provider of [nodeProvider, nobleProvider]) {
      it(`${h.group} on ${provider.name}: ECDHE share first, then ML-KEM; secret ECDHE || ML-KEM`, () => {
        const seed = provider.randomBytes(64);
        const scalar = h.curve.utils.randomSecretKey();
        const client = sync(provider.keyShare(h.group, cat(seed, scalar)));
        const kem = h.kem.keygen(seed);
        expect(client.publicKey).toEqual(cat(h.curve.getPublicKey(scalar, false), kem.publicKey));
        expect(client.publicKey).toHaveLength(h.client);

        const msg = provider.randomBytes(32);
        const serverScalar = h.curve.utils.randomSecretKey();
        const server = sync(provider.acceptKeyShare(h.group, client.publicKey, cat(msg, serverScalar)));
        const encapsulated = h.kem.encapsulate(kem.publicKey, msg);
        expect(server.publicKey).toEqual(cat(h.curve.getPublicKey(serverScalar, false), encapsulated.cipherText));
        expect(server.publicKey).toHaveLength(h.server);
        const ecdh = h.curve.getSharedSecret(serverScalar, h.curve.getPublicKey(scalar, false)).subarray(1);
        const expected = cat(ecdh, encapsulated.sharedSecret);
        expect(server.sharedSecret).toEqual(expected);
        expect(sync(client.complete(server.publicKey))).toEqual(expected);
      });
    }

    it(`${h.group}: registry code 0x${h.code.toString(16)}, TLS 1.3 only, OpenSSL's spelling`, () => {
      expect(groupByCode(h.code)?.name).toBe(h.group);
      expect(groupByCode(h.code)?.versions).toEqual(['tlsv1.3']);
      expect(groupByName(h.group.toLowerCase())?.name).toBe(h.group);
    });

    it(`${h.group}: a client share whose ECDHE point is off the curve is illegal_parameter`, () => {
      const share = sync(nobleProvider.keyShare(h.group)).publicKey.slice();
      share[5] = (share[5] as number) ^ 1;
      expect(() => checkPeerShare(h.group, share, { sender: 'client', tls13: true })).toThrow(TlsAlert);
      expect(() => checkPeerShare(h.group, share.subarray(1), { sender: 'client', tls13: true })).toThrow(/expected/);
    });
  }
});

describe('MLKEM512 / MLKEM768 / MLKEM1024 (draft-ietf-tls-mlkem)', () => {
  for (const k of PURE) {
    it(`${k.group}: the encapsulation key and the ciphertext alone; the secret is ML-KEM's`, () => {
      const seed = nodeProvider.randomBytes(64);
      const client = sync(nodeProvider.keyShare(k.group, seed));
      const kem = k.kem.keygen(seed);
      expect(client.publicKey).toEqual(kem.publicKey);
      expect(client.publicKey).toHaveLength(k.client);
      const msg = nodeProvider.randomBytes(32);
      const server = sync(nobleProvider.acceptKeyShare(k.group, client.publicKey, msg));
      const encapsulated = k.kem.encapsulate(kem.publicKey, msg);
      expect(server.publicKey).toEqual(encapsulated.cipherText);
      expect(server.publicKey).toHaveLength(k.server);
      expect(server.sharedSecret).toEqual(encapsulated.sharedSecret);
      expect(sync(client.complete(server.publicKey))).toEqual(encapsulated.sharedSecret);
      expect(groupByCode(k.code)?.name).toBe(k.group);
    });

    it(`${k.group}: wrong lengths throw CryptoError; an out-of-range coefficient is illegal_parameter`, () => {
      const client = sync(nobleProvider.keyShare(k.group));
      expect(() => sync(nodeProvider.acceptKeyShare(k.group, client.publicKey.subarray(1)))).toThrow(CryptoError);
      expect(() => sync(nodeProvider.keyShare(k.group, new Uint8Array(63)))).toThrow(CryptoError);
      const server = sync(nodeProvider.acceptKeyShare(k.group, client.publicKey));
      expect(() => sync(client.complete(server.publicKey.subarray(2)))).toThrow(CryptoError);
      const bad = client.publicKey.slice();
      bad[0] = 0xff;
      bad[1] = 0x0f; // first coefficient 0xfff ≥ q = 3329 (FIPS 203 §7.2)
      expect(() => checkPeerShare(k.group, bad, { sender: 'client', tls13: true })).toThrow(/out of range/);
      expect(() => checkPeerShare(k.group, server.publicKey, { sender: 'server', tls13: true })).not.toThrow();
    });
  }

  it('webcrypto delegates the ML-KEM groups to noble and agrees with node', async () => {
    for (const group of ['SecP256r1MLKEM768', 'MLKEM1024'] as GroupName[]) {
      const a = await webcryptoProvider.keyShare(group);
      const b = sync(nodeProvider.acceptKeyShare(group, a.publicKey));
      expect(await a.complete(b.publicKey)).toEqual(b.sharedSecret);
    }
  });
});
