/**
 * One-time feature detection of node:crypto. Node ships everything on a normal OpenSSL build; Deno's
 * node:crypto compatibility layer and FIPS builds miss pieces, which then fall back to the pure
 * provider. Probing happens once at module load, never per call.
 *
 * @module
 */

import * as crypto from 'node:crypto';
import type { AeadAlgorithm, CbcAlgorithm, EcCurve, HashAlgorithm } from '@sslsocket/suites';
import { ffdhePrime } from '@sslsocket/suites';
import { bigintToBytes } from './bytes.js';
import { MONTGOMERY_LENGTH, montgomeryKeyPair, montgomeryPublicKey } from './keys.js';

/** OpenSSL hash names. */
export const HASH_NAMES: Readonly<Record<HashAlgorithm, string>> = {
  'SHA-1': 'sha1',
  'SHA-224': 'sha224',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
  MD5: 'md5',
};

/** Digest sizes in bytes. */
export const HASH_LENGTHS: Readonly<Record<HashAlgorithm, number>> = {
  'SHA-1': 20,
  'SHA-224': 28,
  'SHA-256': 32,
  'SHA-384': 48,
  'SHA-512': 64,
  MD5: 16,
};

/** OpenSSL cipher name, key length and tag length for each AEAD. */
export const AEAD_PARAMS: Readonly<Record<AeadAlgorithm, { cipher: string; keyLength: number; tagLength: number }>> = {
  'AES-128-GCM': { cipher: 'aes-128-gcm', keyLength: 16, tagLength: 16 },
  'AES-256-GCM': { cipher: 'aes-256-gcm', keyLength: 32, tagLength: 16 },
  'CHACHA20-POLY1305': { cipher: 'chacha20-poly1305', keyLength: 32, tagLength: 16 },
  'AES-128-CCM': { cipher: 'aes-128-ccm', keyLength: 16, tagLength: 16 },
  'AES-256-CCM': { cipher: 'aes-256-ccm', keyLength: 32, tagLength: 16 },
  'AES-128-CCM-8': { cipher: 'aes-128-ccm', keyLength: 16, tagLength: 8 },
  'AES-256-CCM-8': { cipher: 'aes-256-ccm', keyLength: 32, tagLength: 8 },
};

/** OpenSSL cipher name and key length for raw CBC. */
export const CBC_PARAMS: Readonly<Record<CbcAlgorithm, { cipher: string; keyLength: number }>> = {
  'AES-128-CBC': { cipher: 'aes-128-cbc', keyLength: 16 },
  'AES-256-CBC': { cipher: 'aes-256-cbc', keyLength: 32 },
};

/** OpenSSL curve names for ECDH. */
export const ECDH_CURVES: Readonly<Record<EcCurve, string>> = {
  'P-256': 'prime256v1',
  'P-384': 'secp384r1',
  'P-521': 'secp521r1',
};

function probe(run: () => void): boolean {
  try {
    run();
    return true;
  } catch {
    return false;
  }
}

const zeros = new Uint8Array(32);
const nonce = new Uint8Array(12);

/** Whether createCipheriv takes a KeyObject (node does; some compatibility layers want raw bytes). */
export const cipherTakesKeyObject: boolean = probe(() => {
  const c = crypto.createCipheriv('aes-128-gcm', crypto.createSecretKey(zeros.subarray(0, 16)), nonce);
  c.update(zeros);
  c.final();
});

/** Whether createHmac takes a KeyObject (reused HMAC keys are then imported once). */
export const hmacTakesKeyObject: boolean = probe(() => {
  crypto.createHmac('sha256', crypto.createSecretKey(zeros)).update(zeros).digest();
});

function probeAead(algorithm: AeadAlgorithm): boolean {
  const { cipher, keyLength, tagLength } = AEAD_PARAMS[algorithm];
  return probe(() => {
    const key = zeros.subarray(0, keyLength);
    const c = crypto.createCipheriv(cipher as 'aes-128-gcm', key, nonce, { authTagLength: tagLength });
    c.setAAD(zeros, { plaintextLength: 16 });
    c.update(zeros.subarray(0, 16));
    c.final();
    if (c.getAuthTag().length !== tagLength) throw new Error('wrong tag length');
  });
}

/** AEADs node:crypto can run here. */
export const aeadSupported: ReadonlySet<AeadAlgorithm> = new Set(
  (Object.keys(AEAD_PARAMS) as AeadAlgorithm[]).filter(probeAead),
);

/** Raw CBC modes node:crypto can run here. */
export const cbcSupported: ReadonlySet<CbcAlgorithm> = new Set(
  (Object.keys(CBC_PARAMS) as CbcAlgorithm[]).filter((a) =>
    probe(() => {
      const c = crypto.createCipheriv(
        CBC_PARAMS[a].cipher,
        zeros.subarray(0, CBC_PARAMS[a].keyLength),
        zeros.subarray(0, 16),
      );
      c.setAutoPadding(false);
      c.update(zeros.subarray(0, 16));
      c.final();
    }),
  ),
);

/** Hashes available, and whether `Hash.copy()` (transcript forks) works. */
export const hashSupported: ReadonlySet<HashAlgorithm> = new Set(
  (Object.keys(HASH_NAMES) as HashAlgorithm[]).filter((h) =>
    probe(() => {
      const ctx = crypto.createHash(HASH_NAMES[h]);
      ctx.update(zeros);
      const fork = ctx.copy();
      if (fork.digest().length !== HASH_LENGTHS[h]) throw new Error('wrong digest length');
      crypto.createHmac(HASH_NAMES[h], zeros).update(zeros).digest();
    }),
  ),
);

/** ECDH curves usable through createECDH. */
export const ecdhSupported: ReadonlySet<EcCurve> = new Set(
  (Object.keys(ECDH_CURVES) as EcCurve[]).filter((c) =>
    probe(() => {
      const ecdh = crypto.createECDH(ECDH_CURVES[c]);
      ecdh.generateKeys();
      ecdh.computeSecret(ecdh.getPublicKey());
    }),
  ),
);

/** Whether X25519/X448 work the way key-exchange.ts uses them: raw PKCS#8/JWK import + diffieHellman. */
export const montgomerySupported: ReadonlySet<'x25519' | 'x448'> = new Set(
  (['x25519', 'x448'] as const).filter((g) =>
    probe(() => {
      const { privateKey, publicValue } = montgomeryKeyPair(g, new Uint8Array(MONTGOMERY_LENGTH[g]).fill(7));
      crypto.diffieHellman({ privateKey, publicKey: montgomeryPublicKey(g, publicValue) });
    }),
  ),
);

/** Whether createDiffieHellman with explicit (p, g) and injected private keys works. */
export const ffdhSupported: boolean = probe(() => {
  // OpenSSL refuses toy primes; with the exponent 3, g^x = 8 is still instant for a real group.
  const dh = crypto.createDiffieHellman(bigintToBytes(ffdhePrime('ffdhe2048')), Uint8Array.of(2));
  dh.setPrivateKey(Uint8Array.of(3));
  dh.generateKeys();
  const y = dh.getPublicKey();
  if (y[y.length - 1] !== 8 || y.subarray(0, y.length - 1).some((b) => b !== 0)) {
    throw new Error('injected private key ignored');
  }
});

/** Key types whose JWK import, signing and verification work (RSA is assumed: every runtime has it). */
export const signatureSupported: ReadonlySet<'ed25519' | 'ed448' | EcCurve> = new Set(
  (['ed25519', 'ed448', 'P-256', 'P-384', 'P-521'] as const).filter((kind) =>
    probe(() => {
      const pair =
        kind === 'ed25519'
          ? crypto.generateKeyPairSync('ed25519')
          : kind === 'ed448'
            ? crypto.generateKeyPairSync('ed448')
            : crypto.generateKeyPairSync('ec', { namedCurve: ECDH_CURVES[kind] });
      const jwk = pair.privateKey.export({ format: 'jwk' });
      const privateKey = crypto.createPrivateKey({ key: jwk, format: 'jwk' });
      const publicKey = crypto.createPublicKey({ key: pair.publicKey.export({ format: 'jwk' }), format: 'jwk' });
      const hash = kind.startsWith('ed') ? null : 'sha256';
      // The same call shapes signature.ts uses: an options object with DER encoding for ECDSA.
      const encoding = hash === null ? {} : { dsaEncoding: 'der' as const };
      const signature = crypto.sign(hash, zeros, { key: privateKey, ...encoding });
      if (!crypto.verify(hash, zeros, { key: publicKey, ...encoding }, signature)) throw new Error('round trip failed');
    }),
  ),
);
