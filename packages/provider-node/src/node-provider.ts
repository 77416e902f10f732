/**
 * The node:crypto CryptoProvider: native speed, synchronous, with a per-operation fallback for
 * whatever the runtime lacks.
 *
 * @module
 */

import type {
  AeadAlgorithm,
  AeadKey,
  CbcAlgorithm,
  CbcKey,
  CryptoProvider,
  DhParameters,
  EcCurve,
  GroupName,
  HashAlgorithm,
  HashContext,
  KeyShare,
  KeyShareResponse,
  MacKey,
  MaybePromise,
  PrivateKey,
  PublicKey,
  SignatureSchemeName,
} from '@sslsocket/suites';
import {
  CryptoError,
  ffdhePrime,
  type HybridEcdhGroup,
  isFfdheGroup,
  isKemGroup,
  KEM_GROUPS,
  kemAcceptKeyShare,
  kemKeyShare,
  nobleMlKem,
  schemeParameters,
} from '@sslsocket/suites';
import { createAeadKey } from './aead.js';
import { createCbcKey } from './cbc.js';
import { nodeCompressor } from './compression.js';
import { defaultFallback } from './fallback.js';
import {
  aeadSupported,
  cbcSupported,
  ecdhSupported,
  ffdhSupported,
  hashSupported,
  montgomerySupported,
  signatureSupported,
} from './features.js';
import * as hashes from './hash.js';
import { ecdhShare, ffdhShare, montgomeryShare, type SyncKeyShare } from './key-exchange.js';
import { nodeMlKem } from './ml-kem.js';
import { randomBytes } from './random-pool.js';
import { rawRsaAvailable, rsaDecrypt, rsaEncrypt } from './rsa-encryption.js';
import { sign, verify } from './signature.js';

/** Options for {@link createNodeProvider}. */
export interface NodeProviderOptions {
  /**
   * Provider for operations node:crypto cannot do in this runtime (detected once at load: e.g. CCM
   * or X448 missing under Deno). Defaults to `nobleProvider` from `@sslsocket/suites`.
   * Pass `null` to have such operations throw `CryptoError` instead.
   */
  readonly fallback?: CryptoProvider | null;
}

const GROUP_CURVES: Partial<Record<GroupName, EcCurve>> = {
  secp256r1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};

/** RFC 7919 groups all use generator 2 (RFC 7919 Appendix A). */
const FFDHE_GENERATOR = 2n;

/** Which native key type a signature scheme needs, for the support check. */
function signatureKind(
  scheme: SignatureSchemeName,
  key: PublicKey | PrivateKey,
): 'ed25519' | 'ed448' | EcCurve | 'rsa' {
  const family = schemeParameters(scheme).family;
  if (family === 'ed25519' || family === 'ed448') return family;
  return key.kind === 'ec' ? key.curve : 'rsa';
}

/**
 * Creates a CryptoProvider on `node:crypto`.
 *
 * Everything is synchronous; keys for AEAD, CBC and HMAC are imported once as KeyObjects, and
 * certificate keys are imported once per key object and cached. HMAC-SHA-256 over inputs of at most
 * 256 bytes (HKDF and the TLS 1.2 PRF in the key schedules) runs in JavaScript, cheaper there than a
 * `createHmac` call, except in FIPS mode. Operations the runtime cannot do go to `options.fallback`
 * (by default the pure `nobleProvider`).
 *
 * @example
 * ```ts
 * import { createNodeProvider } from '@sslsocket/provider-node';
 * const provider = createNodeProvider({ fallback: null }); // no pure-JS fallback
 * const key = provider.aead('AES-128-GCM', provider.randomBytes(16));
 * ```
 */
export function createNodeProvider(options: NodeProviderOptions = {}): CryptoProvider {
  const fallback = options.fallback === undefined ? defaultFallback : (options.fallback ?? undefined);
  const viaFallback = (what: string): CryptoProvider => {
    if (fallback === undefined) {
      throw new CryptoError(`${what} is not available in this runtime's node:crypto and no fallback provider is set`);
    }
    return fallback;
  };

  /** Whether node:crypto here can run `group` (decided from the load-time probes). */
  function nativeGroup(group: GroupName): boolean {
    const curve = GROUP_CURVES[group];
    if (curve !== undefined) return ecdhSupported.has(curve);
    if (group === 'x25519' || group === 'x448') return montgomerySupported.has(group);
    if (isFfdheGroup(group)) return ffdhSupported;
    // The ML-KEM groups: ML-KEM native where node:crypto has it (Node ≥ 24.7), else from
    // @noble/post-quantum (node 20 has none); a hybrid's ECDHE half native.
    if (isKemGroup(group)) {
      const half = KEM_GROUPS[group].ecdh?.group;
      return half === undefined || nativeGroup(half);
    }
    throw new CryptoError(`unknown group ${String(group)}`);
  }

  /** The native initiator side of `group` (only called when {@link nativeGroup} holds). */
  function nativeShare(group: GroupName, privateKey?: Uint8Array): SyncKeyShare {
    const curve = GROUP_CURVES[group];
    if (curve !== undefined) return ecdhShare(group, curve, privateKey);
    if (group === 'x25519' || group === 'x448') return montgomeryShare(group, privateKey);
    if (isFfdheGroup(group)) return ffdhShare(group, ffdhePrime(group), FFDHE_GENERATOR, privateKey);
    return kemKeyShare(group as Parameters<typeof kemKeyShare>[0], ecdhHalf, random, privateKey, mlKem) as SyncKeyShare;
  }

  /** The ECDHE half of a hybrid ML-KEM group, on node:crypto. */
  const ecdhHalf = (group: HybridEcdhGroup, scalar?: Uint8Array): SyncKeyShare => nativeShare(group, scalar);
  const random = randomBytes;
  const mlKem = nodeMlKem ?? nobleMlKem;

  return {
    name: 'node',

    randomBytes,

    hash(algorithm: HashAlgorithm): HashContext {
      return hashSupported.has(algorithm)
        ? hashes.createHashContext(algorithm)
        : viaFallback(algorithm).hash(algorithm);
    },
    digest(algorithm: HashAlgorithm, data: Uint8Array): Uint8Array {
      return hashSupported.has(algorithm)
        ? hashes.digest(algorithm, data)
        : viaFallback(algorithm).digest(algorithm, data);
    },
    hmac(algorithm: HashAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array {
      return hashSupported.has(algorithm)
        ? hashes.hmac(algorithm, key, data)
        : viaFallback(algorithm).hmac(algorithm, key, data);
    },
    macKey(algorithm: HashAlgorithm, key: Uint8Array): MacKey {
      return hashSupported.has(algorithm)
        ? hashes.macKey(algorithm, key)
        : viaFallback(algorithm).macKey(algorithm, key);
    },
    hkdfExtract(algorithm: HashAlgorithm, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
      return hashSupported.has(algorithm)
        ? hashes.hkdfExtract(algorithm, salt, ikm)
        : viaFallback(algorithm).hkdfExtract(algorithm, salt, ikm);
    },
    hkdfExpand(algorithm: HashAlgorithm, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
      return hashSupported.has(algorithm)
        ? hashes.hkdfExpand(algorithm, prk, info, length)
        : viaFallback(algorithm).hkdfExpand(algorithm, prk, info, length);
    },
    prf12(
      algorithm: HashAlgorithm,
      secret: Uint8Array,
      label: Uint8Array,
      seed: Uint8Array,
      length: number,
    ): Uint8Array {
      return hashSupported.has(algorithm)
        ? hashes.prf12(algorithm, secret, label, seed, length)
        : viaFallback(algorithm).prf12(algorithm, secret, label, seed, length);
    },

    aead(algorithm: AeadAlgorithm, key: Uint8Array): AeadKey {
      return aeadSupported.has(algorithm) ? createAeadKey(algorithm, key) : viaFallback(algorithm).aead(algorithm, key);
    },
    cbc(algorithm: CbcAlgorithm, key: Uint8Array): CbcKey {
      return cbcSupported.has(algorithm) ? createCbcKey(algorithm, key) : viaFallback(algorithm).cbc(algorithm, key);
    },

    keyShare(group: GroupName, privateKey?: Uint8Array): MaybePromise<KeyShare> {
      return nativeGroup(group) ? nativeShare(group, privateKey) : viaFallback(group).keyShare(group, privateKey);
    },
    acceptKeyShare(group: GroupName, peerPublic: Uint8Array, privateKey?: Uint8Array): MaybePromise<KeyShareResponse> {
      if (!nativeGroup(group)) return viaFallback(group).acceptKeyShare(group, peerPublic, privateKey);
      // An ML-KEM group's responder encapsulates; for plain (EC)DH it is a key share completed at once.
      if (isKemGroup(group)) return kemAcceptKeyShare(group, peerPublic, ecdhHalf, random, privateKey, mlKem);
      const share = nativeShare(group, privateKey);
      return { publicKey: share.publicKey, sharedSecret: share.complete(peerPublic) };
    },
    dhKeyShare(parameters: DhParameters, privateKey?: Uint8Array): MaybePromise<KeyShare> {
      return ffdhSupported
        ? ffdhShare('custom-dh', parameters.p, parameters.g, privateKey)
        : viaFallback('custom DH').dhKeyShare(parameters, privateKey);
    },

    sign(scheme: SignatureSchemeName, key: PrivateKey, message: Uint8Array): MaybePromise<Uint8Array> {
      const kind = signatureKind(scheme, key);
      return kind === 'rsa' || signatureSupported.has(kind)
        ? sign(scheme, key, message)
        : viaFallback(scheme).sign(scheme, key, message);
    },
    verify(
      scheme: SignatureSchemeName,
      key: PublicKey,
      message: Uint8Array,
      signature: Uint8Array,
    ): MaybePromise<boolean> {
      const kind = signatureKind(scheme, key);
      return kind === 'rsa' || signatureSupported.has(kind)
        ? verify(scheme, key, message, signature)
        : viaFallback(scheme).verify(scheme, key, message, signature);
    },

    rsaEncrypt(key: PublicKey, data: Uint8Array): MaybePromise<Uint8Array> {
      return rsaEncrypt(key, data);
    },
    rsaDecrypt(key: PrivateKey, data: Uint8Array): MaybePromise<Uint8Array | null> {
      return rawRsaAvailable(key) ? rsaDecrypt(key, data) : viaFallback('raw RSA').rsaDecrypt(key, data);
    },

    certificateCompression: nodeCompressor,
  };
}

/**
 * The default node:crypto provider (fallback: `nobleProvider`).
 *
 * @example
 * ```ts
 * import { nodeProvider } from '@sslsocket/provider-node';
 * const secret = nodeProvider.hkdfExtract('SHA-256', new Uint8Array(0), nodeProvider.randomBytes(32));
 * ```
 */
export const nodeProvider: CryptoProvider = createNodeProvider();
