/**
 * Key exchange for every TLS group on noble: X25519/X448 (RFC 7748), ECDH on the NIST curves
 * (uncompressed points, RFC 8446 §4.2.8.2), RFC 7919 FFDHE and custom DH (RFC 8446 §4.2.8.1), and
 * the ML-KEM groups (kem-groups.ts: the hybrids of RFC 10024 and the pure ones of draft-ietf-tls-mlkem).
 * @module
 */

import { x448 } from '@noble/curves/ed448.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { type FfdheGroup, ffdhePrime, isFfdheGroup } from '../ffdhe.js';
import { type EcdhHalf, type HybridEcdhGroup, isKemGroup, kemAcceptKeyShare, kemKeyShare } from '../kem-groups.js';
import { CryptoError, type DhParameters, type GroupName, type KeyShare, type KeyShareResponse } from '../provider.js';
import { bigIntToBytes, byteLength, bytesToBigInt, modPow } from './bigint.js';

type RandomBytes = (length: number) => Uint8Array;

interface Montgomery {
  getPublicKey(secret: Uint8Array): Uint8Array;
  getSharedSecret(secret: Uint8Array, peer: Uint8Array): Uint8Array;
}

interface Weierstrass {
  getPublicKey(secret: Uint8Array, compressed?: boolean): Uint8Array;
  getSharedSecret(secret: Uint8Array, peer: Uint8Array, compressed?: boolean): Uint8Array;
  utils: { randomSecretKey(seed?: Uint8Array): Uint8Array };
  lengths: { seed: number };
  Point: { fromBytes(bytes: Uint8Array): { assertValidity(): void } };
}

const MONTGOMERY: Readonly<Record<'x25519' | 'x448', { curve: Montgomery; size: number }>> = {
  x25519: { curve: x25519 as unknown as Montgomery, size: 32 },
  x448: { curve: x448 as unknown as Montgomery, size: 56 },
};

const NIST: Readonly<Record<'secp256r1' | 'secp384r1' | 'secp521r1', { curve: Weierstrass; size: number }>> = {
  secp256r1: { curve: p256 as unknown as Weierstrass, size: 32 },
  secp384r1: { curve: p384 as unknown as Weierstrass, size: 48 },
  secp521r1: { curve: p521 as unknown as Weierstrass, size: 66 },
};

function montgomeryShared(group: 'x25519' | 'x448', secret: Uint8Array, peer: Uint8Array): Uint8Array {
  const { curve, size } = MONTGOMERY[group];
  if (peer.length !== size) throw new CryptoError(`${group} public value must be ${size} bytes, got ${peer.length}`);
  let shared: Uint8Array;
  try {
    shared = curve.getSharedSecret(secret, peer);
  } catch (cause) {
    throw new CryptoError(`invalid ${group} public value`, { cause });
  }
  // RFC 7748 §6.1 / RFC 8446 §7.4.2: an all-zero result means a small-order peer point.
  if (shared.every((byte) => byte === 0)) throw new CryptoError(`${group} shared secret is all zeros`);
  return shared;
}

function nistShared(group: keyof typeof NIST, secret: Uint8Array, peer: Uint8Array): Uint8Array {
  const { curve, size } = NIST[group];
  // RFC 8446 §4.2.8.2: only the uncompressed form (0x04 || X || Y) is allowed.
  if (peer.length !== 1 + 2 * size || peer[0] !== 4) {
    throw new CryptoError(`${group} public value must be an uncompressed point of ${1 + 2 * size} bytes`);
  }
  try {
    curve.Point.fromBytes(peer).assertValidity();
    // The shared secret is the x-coordinate only (RFC 8446 §7.4.2).
    return curve.getSharedSecret(secret, peer, true).subarray(1);
  } catch (cause) {
    throw new CryptoError(`invalid ${group} point`, { cause });
  }
}

/** Finite-field DH share; the public value is left-padded to the size of p (RFC 8446 §4.2.8.1). */
function dhShare(
  group: GroupName | 'custom-dh',
  { p, g }: DhParameters,
  random: RandomBytes,
  secret?: Uint8Array,
): KeyShare {
  const size = byteLength(p);
  // A full-size exponent in [2, p-2]: no assumptions about subgroup order, safe for every group size.
  const x = secret !== undefined ? bytesToBigInt(secret) : (bytesToBigInt(random(size)) % (p - 3n)) + 2n;
  if (x < 2n || x >= p - 1n) throw new CryptoError('DH private exponent out of range');
  const publicKey = bigIntToBytes(modPow(g, x, p), size);
  return {
    group,
    publicKey,
    complete(peerPublic: Uint8Array): Uint8Array {
      const y = bytesToBigInt(peerPublic);
      // RFC 7919 §5.1: reject 0, 1 and p-1 (and anything at or above p).
      if (peerPublic.length > size || y <= 1n || y >= p - 1n)
        throw new CryptoError('DH peer public value out of range');
      // Left-padded to the size of p, as TLS 1.3 requires (RFC 8446 §7.4.1); TLS 1.2 strips zeros itself.
      return bigIntToBytes(modPow(y, x, p), size);
    },
  };
}

/** The ephemeral secret for an EC group: injected, or fresh. */
function ecSecret(group: GroupName, random: RandomBytes, secret?: Uint8Array): Uint8Array {
  if (secret !== undefined) return secret;
  if (group === 'x25519') return random(32);
  if (group === 'x448') return random(56);
  const { curve } = NIST[group as keyof typeof NIST];
  // Reduced from extra random bytes so the scalar is uniform (FIPS 186-5 A.2.1).
  return curve.utils.randomSecretKey(random(curve.lengths.seed));
}

/** The ECDHE half of a hybrid, on the same curves as the plain groups. */
function ecdhHalf(group: HybridEcdhGroup, random: RandomBytes, scalar?: Uint8Array): EcdhHalf {
  return keyShare(group, random, scalar) as EcdhHalf;
}

export function keyShare(group: GroupName, random: RandomBytes, privateKey?: Uint8Array): KeyShare {
  if (group === 'x25519' || group === 'x448') {
    const secret = ecSecret(group, random, privateKey);
    const publicKey = MONTGOMERY[group].curve.getPublicKey(secret);
    return { group, publicKey, complete: (peer) => montgomeryShared(group, secret, peer) };
  }
  if (group === 'secp256r1' || group === 'secp384r1' || group === 'secp521r1') {
    const secret = ecSecret(group, random, privateKey);
    let publicKey: Uint8Array;
    try {
      publicKey = NIST[group].curve.getPublicKey(secret, false);
    } catch (cause) {
      throw new CryptoError(`invalid ${group} private key`, { cause });
    }
    return { group, publicKey, complete: (peer) => nistShared(group, secret, peer) };
  }
  if (isFfdheGroup(group)) return dhShare(group, { p: ffdhePrime(group as FfdheGroup), g: 2n }, random, privateKey);
  if (isKemGroup(group)) return kemKeyShare(group, (g, scalar) => ecdhHalf(g, random, scalar), random, privateKey);
  throw new CryptoError(`unsupported group ${String(group)}`);
}

export function acceptKeyShare(
  group: GroupName,
  peerPublic: Uint8Array,
  random: RandomBytes,
  privateKey?: Uint8Array,
): KeyShareResponse {
  if (isKemGroup(group)) {
    return kemAcceptKeyShare(group, peerPublic, (g, scalar) => ecdhHalf(g, random, scalar), random, privateKey);
  }
  const share = keyShare(group, random, privateKey);
  return { publicKey: share.publicKey, sharedSecret: share.complete(peerPublic) as Uint8Array };
}

export function dhKeyShare(parameters: DhParameters, random: RandomBytes, privateKey?: Uint8Array): KeyShare {
  if (parameters.p < 3n || parameters.g < 2n || parameters.g >= parameters.p)
    throw new CryptoError('invalid DH parameters');
  return dhShare('custom-dh', parameters, random, privateKey);
}
