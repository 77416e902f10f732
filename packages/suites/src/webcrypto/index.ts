/**
 * `webcryptoProvider`: `crypto.subtle` for what the platform accelerates (AES-GCM records, ECDH and
 * ECDSA on the NIST curves, RSA signatures), `nobleProvider` for the rest. WebCrypto is asynchronous,
 * so its operations return Promises; the engine awaits only those, and the record layer can keep
 * several records in flight. Hashes, HMAC, HKDF and the PRF stay synchronous (noble), as the
 * contract requires.
 * @module
 */
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { nobleProvider } from '../noble/index.js';
import {
  CryptoError,
  type CryptoProvider,
  type EcCurve,
  type GroupName,
  type KeyShare,
  type KeyShareResponse,
  type PrivateKey,
  type PublicKey,
  type SignatureSchemeName,
} from '../provider.js';
import { SubtleGcmKey } from './gcm.js';
import { copy, requireSubtle, subtle } from './subtle.js';

const NIST_GROUPS: Partial<Record<GroupName, { curve: EcCurve; size: number }>> = {
  secp256r1: { curve: 'P-256', size: 32 },
  secp384r1: { curve: 'P-384', size: 48 },
  secp521r1: { curve: 'P-521', size: 66 },
};

const NOBLE_CURVES = { 'P-256': p256, 'P-384': p384, 'P-521': p521 } as const;

/** ECDH on a NIST curve through subtle; an injected scalar falls back to noble (subtle cannot import it without its point). */
async function subtleEcdhShare(group: GroupName, curve: EcCurve, size: number): Promise<KeyShare> {
  const s = requireSubtle();
  const pair = (await s.generateKey({ name: 'ECDH', namedCurve: curve }, false, ['deriveBits'])) as CryptoKeyPair;
  const publicKey = new Uint8Array(await s.exportKey('raw', pair.publicKey));
  return {
    group,
    publicKey,
    async complete(peer: Uint8Array): Promise<Uint8Array> {
      if (peer.length !== 1 + 2 * size || peer[0] !== 4)
        throw new CryptoError(`${group} public value must be an uncompressed point`);
      let peerKey: CryptoKey;
      try {
        peerKey = await s.importKey('raw', copy(peer), { name: 'ECDH', namedCurve: curve }, false, []);
      } catch (cause) {
        throw new CryptoError(`invalid ${group} point`, { cause });
      }
      const bits = Math.ceil((curve === 'P-521' ? 521 : size * 8) / 8) * 8;
      return new Uint8Array(await s.deriveBits({ name: 'ECDH', public: peerKey }, pair.privateKey, bits));
    },
  };
}

function keyShare(group: GroupName, privateKey?: Uint8Array): Promise<KeyShare> | KeyShare {
  const nist = NIST_GROUPS[group];
  if (nist === undefined || privateKey !== undefined || subtle === undefined)
    return nobleProvider.keyShare(group, privateKey);
  return subtleEcdhShare(group, nist.curve, nist.size);
}

async function acceptKeyShare(group: GroupName, peer: Uint8Array, privateKey?: Uint8Array): Promise<KeyShareResponse> {
  const nist = NIST_GROUPS[group];
  if (nist === undefined || privateKey !== undefined || subtle === undefined)
    return nobleProvider.acceptKeyShare(group, peer, privateKey);
  const share = await subtleEcdhShare(group, nist.curve, nist.size);
  return { publicKey: share.publicKey, sharedSecret: await share.complete(peer) };
}

const ECDSA_HASH: Partial<Record<SignatureSchemeName, 'SHA-256' | 'SHA-384' | 'SHA-512'>> = {
  ecdsa_secp256r1_sha256: 'SHA-256',
  ecdsa_secp384r1_sha384: 'SHA-384',
  ecdsa_secp521r1_sha512: 'SHA-512',
  ecdsa_sha256: 'SHA-256',
  ecdsa_sha384: 'SHA-384',
  ecdsa_sha512: 'SHA-512',
};

const BOUND_CURVE: Partial<Record<SignatureSchemeName, EcCurve>> = {
  ecdsa_secp256r1_sha256: 'P-256',
  ecdsa_secp384r1_sha384: 'P-384',
  ecdsa_secp521r1_sha512: 'P-521',
};

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

function fieldBytes(curve: EcCurve): number {
  return curve === 'P-256' ? 32 : curve === 'P-384' ? 48 : 66;
}

/** Imported keys by key object: a server signs with the same key on every handshake. */
const importedKeys = new WeakMap<object, Promise<CryptoKey>>();

function ecJwk(curve: EcCurve, point: Uint8Array, d?: Uint8Array): JsonWebKey {
  const n = fieldBytes(curve);
  return {
    kty: 'EC',
    crv: curve,
    x: base64url(point.subarray(1, 1 + n)),
    y: base64url(point.subarray(1 + n, 1 + 2 * n)),
    ...(d === undefined ? {} : { d: base64url(d) }),
    ext: true,
  };
}

function ecdsaKey(key: PublicKey | PrivateKey, curve: EcCurve, usage: 'sign' | 'verify'): Promise<CryptoKey> {
  let imported = importedKeys.get(key);
  if (imported === undefined) {
    const jwk = key.kind === 'ec' ? ecJwk(curve, key.point, 'd' in key ? key.d : undefined) : undefined;
    if (jwk === undefined) throw new CryptoError(`a ${key.kind} key cannot be used with ECDSA`);
    imported = requireSubtle().importKey('jwk', jwk, { name: 'ECDSA', namedCurve: curve }, false, [usage]);
    importedKeys.set(key, imported);
  }
  return imported;
}

/** DER ECDSA-Sig-Value ↔ the fixed-width r || s WebCrypto uses (RFC 8446 §4.2.3 sends DER). */
function derToRaw(der: Uint8Array, curve: EcCurve): Uint8Array {
  return NOBLE_CURVES[curve].Signature.fromBytes(der, 'der').toBytes('compact');
}

function rawToDer(raw: Uint8Array, curve: EcCurve): Uint8Array {
  return NOBLE_CURVES[curve].Signature.fromBytes(raw, 'compact').toBytes('der');
}

async function sign(scheme: SignatureSchemeName, key: PrivateKey, message: Uint8Array): Promise<Uint8Array> {
  const hash = ECDSA_HASH[scheme];
  if (hash === undefined || key.kind !== 'ec' || subtle === undefined) return nobleProvider.sign(scheme, key, message);
  const bound = BOUND_CURVE[scheme];
  if (bound !== undefined && bound !== key.curve)
    throw new CryptoError(`${scheme} needs a ${bound} key, got ${key.curve}`);
  const raw = await subtle.sign({ name: 'ECDSA', hash }, await ecdsaKey(key, key.curve, 'sign'), copy(message));
  return rawToDer(new Uint8Array(raw), key.curve);
}

async function verify(
  scheme: SignatureSchemeName,
  key: PublicKey,
  message: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  const hash = ECDSA_HASH[scheme];
  if (hash === undefined || key.kind !== 'ec' || subtle === undefined)
    return nobleProvider.verify(scheme, key, message, signature);
  const bound = BOUND_CURVE[scheme];
  if (bound !== undefined && bound !== key.curve) return false;
  let raw: Uint8Array;
  try {
    raw = derToRaw(signature, key.curve);
  } catch {
    return false;
  }
  return subtle.verify({ name: 'ECDSA', hash }, await ecdsaKey(key, key.curve, 'verify'), copy(raw), copy(message));
}

/**
 * The WebCrypto provider. AES-GCM, P-256/384/521 ECDH and ECDSA run on `crypto.subtle`; everything
 * else (and injected test keys) on noble.
 *
 * @example
 * const connection = new ClientConnection({ provider: webcryptoProvider, ... });
 */
export const webcryptoProvider: CryptoProvider = {
  ...nobleProvider,
  name: 'webcrypto',
  aead(algorithm, key) {
    if (subtle === undefined || (algorithm !== 'AES-128-GCM' && algorithm !== 'AES-256-GCM'))
      return nobleProvider.aead(algorithm, key);
    const expected = algorithm === 'AES-128-GCM' ? 16 : 32;
    if (key.length !== expected) throw new CryptoError(`${algorithm} needs a ${expected}-byte key, got ${key.length}`);
    return new SubtleGcmKey(algorithm, copy(key));
  },
  keyShare,
  acceptKeyShare,
  sign,
  verify,
};
