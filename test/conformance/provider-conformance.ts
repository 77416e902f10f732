/**
 * One conformance suite for every CryptoProvider: published vectors from test-vectors/crypto, and
 * property tests against node:crypto as the reference implementation. Each provider's test file
 * calls {@link defineProviderConformance}.
 */
import * as nodeCrypto from 'node:crypto';
import type {
  AeadAlgorithm,
  CryptoProvider,
  GroupName,
  PrivateKey,
  PublicKey,
  SignatureSchemeName,
} from '@sslsocket/suites';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { vectorChecks } from './vector-checks.js';

const _hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const settle = async <T>(value: T | Promise<T>): Promise<T> => value;

const AEADS: { algorithm: AeadAlgorithm; node: string; keyLength: number; tagLength: number }[] = [
  { algorithm: 'AES-128-GCM', node: 'aes-128-gcm', keyLength: 16, tagLength: 16 },
  { algorithm: 'AES-256-GCM', node: 'aes-256-gcm', keyLength: 32, tagLength: 16 },
  { algorithm: 'CHACHA20-POLY1305', node: 'chacha20-poly1305', keyLength: 32, tagLength: 16 },
  { algorithm: 'AES-128-CCM', node: 'aes-128-ccm', keyLength: 16, tagLength: 16 },
  { algorithm: 'AES-256-CCM', node: 'aes-256-ccm', keyLength: 32, tagLength: 16 },
  { algorithm: 'AES-128-CCM-8', node: 'aes-128-ccm', keyLength: 16, tagLength: 8 },
  { algorithm: 'AES-256-CCM-8', node: 'aes-256-ccm', keyLength: 32, tagLength: 8 },
];

function nodeSeal(
  node: string,
  tagLength: number,
  key: Uint8Array,
  nonce: Uint8Array,
  aad: Uint8Array,
  plain: Uint8Array,
): Uint8Array {
  const cipher = nodeCrypto.createCipheriv(node as 'aes-128-ccm', key, nonce, { authTagLength: tagLength });
  cipher.setAAD(aad, { plaintextLength: plain.length });
  const body = cipher.update(plain);
  cipher.final();
  return new Uint8Array(Buffer.concat([body, cipher.getAuthTag()]));
}

/** Converts node KeyObjects into the provider's plain key shapes through JWK. */
function b64(value: string | undefined): Uint8Array {
  return new Uint8Array(Buffer.from(value ?? '', 'base64url'));
}
function big(value: string | undefined): bigint {
  return BigInt(`0x${Buffer.from(value ?? '', 'base64url').toString('hex') || '0'}`);
}
export function nodeKeyPair(kind: 'P-256' | 'P-384' | 'P-521' | 'ed25519' | 'ed448' | 'rsa'): {
  privateKey: PrivateKey;
  publicKey: PublicKey;
  node: nodeCrypto.KeyPairKeyObjectResult;
} {
  const node =
    kind === 'rsa'
      ? nodeCrypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
      : kind === 'ed25519' || kind === 'ed448'
        ? nodeCrypto.generateKeyPairSync(kind as 'ed25519')
        : nodeCrypto.generateKeyPairSync('ec', { namedCurve: kind });
  const jwk = node.privateKey.export({ format: 'jwk' });
  if (kind === 'rsa') {
    const fields = { n: big(jwk.n), e: big(jwk.e) };
    return {
      node,
      publicKey: { kind: 'rsa', ...fields },
      privateKey: {
        kind: 'rsa',
        ...fields,
        d: big(jwk.d),
        p: big(jwk.p),
        q: big(jwk.q),
        dp: big(jwk.dp),
        dq: big(jwk.dq),
        qi: big(jwk.qi),
      },
    };
  }
  if (kind === 'ed25519' || kind === 'ed448') {
    return { node, publicKey: { kind, key: b64(jwk.x) }, privateKey: { kind, seed: b64(jwk.d), key: b64(jwk.x) } };
  }
  const point = new Uint8Array([4, ...b64(jwk.x), ...b64(jwk.y)]);
  return {
    node,
    publicKey: { kind: 'ec', curve: kind, point },
    privateKey: { kind: 'ec', curve: kind, d: b64(jwk.d), point },
  };
}

const SIGNING: {
  scheme: SignatureSchemeName;
  key: Parameters<typeof nodeKeyPair>[0];
  nodeHash: string | null;
  pss?: boolean;
}[] = [
  { scheme: 'ecdsa_secp256r1_sha256', key: 'P-256', nodeHash: 'sha256' },
  { scheme: 'ecdsa_secp384r1_sha384', key: 'P-384', nodeHash: 'sha384' },
  { scheme: 'ecdsa_secp521r1_sha512', key: 'P-521', nodeHash: 'sha512' },
  { scheme: 'ecdsa_sha384', key: 'P-256', nodeHash: 'sha384' },
  { scheme: 'ed25519', key: 'ed25519', nodeHash: null },
  { scheme: 'ed448', key: 'ed448', nodeHash: null },
  { scheme: 'rsa_pkcs1_sha256', key: 'rsa', nodeHash: 'sha256' },
  { scheme: 'rsa_pss_rsae_sha256', key: 'rsa', nodeHash: 'sha256', pss: true },
  { scheme: 'rsa_pss_rsae_sha384', key: 'rsa', nodeHash: 'sha384', pss: true },
];

const GROUPS: GroupName[] = ['x25519', 'x448', 'secp256r1', 'secp384r1', 'secp521r1', 'ffdhe2048', 'X25519MLKEM768'];

/** Registers the conformance tests for `provider` under a describe block named after it. */
export function defineProviderConformance(name: string, provider: CryptoProvider): void {
  describe(`${name} provider conformance`, () => {
    // Published vectors and Wycheproof: shared with the Deno run (vector-checks.ts).
    for (const check of vectorChecks(provider)) {
      it(check.name, () => check.run((actual, expected, what) => expect(actual, what).toEqual(expected)));
    }

    it('hashes, HMAC, MAC keys and the TLS 1.2 PRF agree with node:crypto', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ minLength: 1, maxLength: 100 }), (data, key) => {
          for (const [hash, nodeName] of [
            ['SHA-1', 'sha1'],
            ['SHA-256', 'sha256'],
            ['SHA-384', 'sha384'],
            ['SHA-512', 'sha512'],
          ] as const) {
            expect(toHex(provider.digest(hash, data))).toBe(nodeCrypto.createHash(nodeName).update(data).digest('hex'));
            const context = provider.hash(hash);
            context.update(data.subarray(0, 7));
            const fork = context.clone();
            context.update(data.subarray(7));
            expect(toHex(context.digest())).toBe(nodeCrypto.createHash(nodeName).update(data).digest('hex'));
            expect(toHex(fork.digest())).toBe(
              nodeCrypto.createHash(nodeName).update(data.subarray(0, 7)).digest('hex'),
            );
            const expected = nodeCrypto.createHmac(nodeName, key).update(data).digest('hex');
            expect(toHex(provider.hmac(hash, key, data))).toBe(expected);
            const mac = provider.macKey(hash, key);
            mac.update(data);
            expect(toHex(mac.digest())).toBe(expected);
            mac.update(data);
            expect(toHex(mac.digest())).toBe(expected);
          }
          // P_SHA256 as RFC 5246 §5 defines it, computed with node's HMAC.
          const label = new TextEncoder().encode('test label');
          const seed = new Uint8Array([...label, ...data]);
          let a: Buffer = Buffer.from(seed);
          let out = Buffer.alloc(0);
          while (out.length < 100) {
            a = nodeCrypto.createHmac('sha256', key).update(a).digest();
            out = Buffer.concat([out, nodeCrypto.createHmac('sha256', key).update(a).update(seed).digest()]);
          }
          expect(toHex(provider.prf12('SHA-256', key, label, data, 100))).toBe(out.subarray(0, 100).toString('hex'));
        }),
        { numRuns: 20 },
      );
    });

    for (const aead of AEADS) {
      it(`${aead.algorithm} seals like node:crypto, opens node's output, rejects tampering`, async () => {
        await fc.assert(
          fc.asyncProperty(
            fc.uint8Array({ minLength: aead.keyLength, maxLength: aead.keyLength }),
            fc.uint8Array({ minLength: 12, maxLength: 12 }),
            fc.uint8Array({ maxLength: 40 }),
            fc.uint8Array({ maxLength: 600 }),
            fc.nat(),
            async (key, nonce, aad, plain, flip) => {
              const expected = nodeSeal(aead.node, aead.tagLength, key, nonce, aad, plain);
              const sealer = provider.aead(aead.algorithm, key);
              expect(sealer.tagLength).toBe(aead.tagLength);
              const buffer = new Uint8Array(3 + plain.length + aead.tagLength);
              buffer.set(plain, 3);
              await settle(sealer.seal(nonce, aad, buffer, 3, plain.length));
              expect(toHex(buffer.subarray(3))).toBe(toHex(expected));
              const opened = new Uint8Array(expected);
              expect(await settle(sealer.open(nonce, aad, opened, 0, opened.length))).toBe(true);
              expect(toHex(opened.subarray(0, plain.length))).toBe(toHex(plain));
              const tampered = new Uint8Array(expected);
              const bit = flip % (tampered.length * 8);
              tampered[bit >> 3] = (tampered[bit >> 3] as number) ^ (1 << (bit & 7));
              expect(await settle(sealer.open(nonce, aad, tampered, 0, tampered.length))).toBe(false);
            },
          ),
          { numRuns: 25 },
        );
      });
    }

    it('AES-CBC matches node:crypto on whole blocks', async () => {
      const key = nodeCrypto.randomBytes(32);
      const iv = nodeCrypto.randomBytes(16);
      const plain = nodeCrypto.randomBytes(64);
      const cipher = nodeCrypto.createCipheriv('aes-256-cbc', key, iv).setAutoPadding(false);
      const expected = Buffer.concat([cipher.update(plain), cipher.final()]);
      const cbc = provider.cbc('AES-256-CBC', key);
      const buffer = new Uint8Array(plain);
      await settle(cbc.encrypt(iv, buffer, 0, 64));
      expect(toHex(buffer)).toBe(expected.toString('hex'));
      await settle(cbc.decrypt(iv, buffer, 0, 64));
      expect(toHex(buffer)).toBe(plain.toString('hex'));
    });

    for (const group of GROUPS) {
      it(`${group}: both sides derive the same secret; bad peer values are CryptoErrors`, async () => {
        const client = await settle(provider.keyShare(group));
        const server = await settle(provider.acceptKeyShare(group, client.publicKey));
        const secret = await settle(client.complete(server.publicKey));
        expect(toHex(secret)).toBe(toHex(server.sharedSecret));
        await expect(async () => settle(client.complete(new Uint8Array(3)))).rejects.toThrow(/./);
      });
    }

    it('ECDH agrees with node:crypto on every NIST curve', async () => {
      for (const [group, curve] of [
        ['secp256r1', 'prime256v1'],
        ['secp384r1', 'secp384r1'],
        ['secp521r1', 'secp521r1'],
      ] as const) {
        const node = nodeCrypto.createECDH(curve);
        node.generateKeys();
        const ours = await settle(provider.keyShare(group));
        const secret = await settle(ours.complete(new Uint8Array(node.getPublicKey())));
        expect(toHex(secret)).toBe(node.computeSecret(ours.publicKey).toString('hex'));
      }
    });

    for (const entry of SIGNING) {
      it(`${entry.scheme}: signatures verify across providers both ways`, async () => {
        const pair = nodeKeyPair(entry.key);
        const message = nodeCrypto.randomBytes(100);
        const ours = await settle(provider.sign(entry.scheme, pair.privateKey, message));
        const padding = entry.pss
          ? {
              padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING,
              saltLength: nodeCrypto.constants.RSA_PSS_SALTLEN_DIGEST,
            }
          : {};
        expect(nodeCrypto.verify(entry.nodeHash, message, { key: pair.node.publicKey, ...padding }, ours)).toBe(true);
        const theirs = nodeCrypto.sign(entry.nodeHash, message, { key: pair.node.privateKey, ...padding });
        expect(await settle(provider.verify(entry.scheme, pair.publicKey, message, new Uint8Array(theirs)))).toBe(true);
        message[0] = (message[0] as number) ^ 1;
        expect(await settle(provider.verify(entry.scheme, pair.publicKey, message, new Uint8Array(theirs)))).toBe(
          false,
        );
      });
    }

    it('RSA PKCS#1 v1.5 encryption round-trips with node:crypto; bad padding gives null', async () => {
      const pair = nodeKeyPair('rsa');
      const premaster = nodeCrypto.randomBytes(48);
      const encrypted = await settle(provider.rsaEncrypt(pair.publicKey, premaster));
      expect(encrypted.length).toBe(256);
      const raw = nodeCrypto.publicEncrypt(
        { key: pair.node.publicKey, padding: nodeCrypto.constants.RSA_NO_PADDING },
        Buffer.concat([Buffer.from([0, 2]), Buffer.alloc(205, 0x11), Buffer.from([0]), premaster]),
      );
      expect(toHex((await settle(provider.rsaDecrypt(pair.privateKey, new Uint8Array(raw)))) ?? new Uint8Array())).toBe(
        premaster.toString('hex'),
      );
      const bad = nodeCrypto.publicEncrypt(
        { key: pair.node.publicKey, padding: nodeCrypto.constants.RSA_NO_PADDING },
        Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(254, 0x11)]),
      );
      expect(await settle(provider.rsaDecrypt(pair.privateKey, new Uint8Array(bad)))).toBeNull();
      const ours = await settle(provider.rsaDecrypt(pair.privateKey, encrypted));
      expect(toHex(ours ?? new Uint8Array())).toBe(premaster.toString('hex'));
    });
  });
}
