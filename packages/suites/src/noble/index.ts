/**
 * `nobleProvider`: the pure-TypeScript, synchronous CryptoProvider on @noble/* and micro-rsa-dsa-dh.
 * Portable to every runtime; the default where `node:crypto` is absent, and the provider replay
 * tests pin (randomness is injectable through {@link createNobleProvider}).
 * @module
 */
import { randomBytes as nobleRandomBytes } from '@noble/hashes/utils.js';
import type { CryptoProvider } from '../provider.js';
import { createAead } from './aead.js';
import { createCbc } from './cbc.js';
import { fflateCompressor } from './compression.js';
import { computeHmac, createHash, createMacKey, digest, hkdfExpand, hkdfExtract, prf12 } from './hash.js';
import { acceptKeyShare, dhKeyShare, keyShare } from './key-exchange.js';
import { rsaDecrypt, rsaEncrypt, sign, verify } from './signature.js';

/** Options for {@link createNobleProvider}. */
export interface NobleProviderOptions {
  /** Source of randomness (default: the platform CSPRNG); inject a seeded one for reproducible traces. */
  readonly randomBytes?: (length: number) => Uint8Array;
}

/**
 * Builds a noble provider, optionally with injected randomness.
 *
 * @example
 * const provider = createNobleProvider({ randomBytes: (n) => new Uint8Array(n) }); // tests only
 */
export function createNobleProvider(options: NobleProviderOptions = {}): CryptoProvider {
  const random = options.randomBytes ?? ((length: number) => nobleRandomBytes(length));
  return {
    name: 'noble',
    randomBytes: random,
    hash: createHash,
    digest,
    hmac: computeHmac,
    macKey: createMacKey,
    hkdfExtract,
    hkdfExpand,
    prf12,
    aead: createAead,
    cbc: createCbc,
    keyShare: (group, privateKey) => keyShare(group, random, privateKey),
    acceptKeyShare: (group, peer, privateKey) => acceptKeyShare(group, peer, random, privateKey),
    dhKeyShare: (parameters, privateKey) => dhKeyShare(parameters, random, privateKey),
    sign,
    verify,
    rsaEncrypt,
    rsaDecrypt,
    certificateCompression: fflateCompressor,
  };
}

/**
 * The default noble provider (platform randomness).
 *
 * @example
 * const key = nobleProvider.aead('AES-128-GCM', nobleProvider.randomBytes(16));
 */
export const nobleProvider: CryptoProvider = createNobleProvider();
