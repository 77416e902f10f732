/**
 * Key exchange on node:crypto: X25519/X448 (RFC 7748), NIST-curve ECDH (SEC 1), finite-field DH
 * (RFC 7919 groups and custom TLS 1.2 parameters). The ML-KEM groups compose these ECDHE halves
 * with ML-KEM from @noble/post-quantum (node 20 has no ML-KEM) through `kemKeyShare` of
 * @sslsocket/suites.
 *
 * @module
 */

import * as crypto from 'node:crypto';
import type { EcCurve, GroupName, KeyShare } from '@sslsocket/suites';
import { CryptoError } from '@sslsocket/suites';
import { bigintToBytes, bytesToBigint, leftPad, toU8 } from './bytes.js';
import { ECDH_CURVES } from './features.js';
import { EC_FIELD_LENGTH, generateMontgomeryKeyPair, montgomeryKeyPair, montgomeryPublicKey } from './keys.js';

/** A key share whose completion is synchronous, as every node:crypto one is. */
export interface SyncKeyShare extends KeyShare {
  complete(peerPublic: Uint8Array): Uint8Array;
}

/** Runs `fn`, turning any node error into a CryptoError (bad points, out-of-range values). */
function guarded<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (cause) {
    if (cause instanceof CryptoError) throw cause;
    throw new CryptoError(`${what} failed`, { cause });
  }
}

/** RFC 7748 §6: X25519 / X448 with a raw scalar (random unless injected). */
export function montgomeryShare(group: 'x25519' | 'x448', scalar?: Uint8Array): SyncKeyShare {
  const { privateKey, publicValue: publicKey } = guarded(`${group} key import`, () =>
    scalar === undefined ? generateMontgomeryKeyPair(group) : montgomeryKeyPair(group, scalar),
  );
  return {
    group,
    publicKey,
    complete(peerPublic: Uint8Array): Uint8Array {
      return guarded(`${group} agreement`, () => {
        const peer = montgomeryPublicKey(group, peerPublic);
        // OpenSSL refuses an all-zero result (a low-order peer point), as RFC 8446 §7.4.2 asks.
        return toU8(crypto.diffieHellman({ privateKey, publicKey: peer }));
      });
    },
  };
}

/** SEC 1 ECDH on a NIST curve; TLS carries uncompressed points only (RFC 8446 §4.2.8.2). */
export function ecdhShare(group: GroupName, curve: EcCurve, scalar?: Uint8Array): SyncKeyShare {
  const size = EC_FIELD_LENGTH[curve];
  const ecdh = crypto.createECDH(ECDH_CURVES[curve]);
  if (scalar === undefined) {
    ecdh.generateKeys();
  } else {
    if (scalar.length !== size) throw new CryptoError(`${curve} private key must be ${size} bytes`);
    guarded(`${curve} private key`, () => ecdh.setPrivateKey(scalar));
  }
  const publicKey = toU8(ecdh.getPublicKey());
  return {
    group,
    publicKey,
    complete(peerPublic: Uint8Array): Uint8Array {
      if (peerPublic.length !== 1 + 2 * size || peerPublic[0] !== 0x04) {
        throw new CryptoError(`${curve} peer key is not an uncompressed point`);
      }
      // computeSecret checks the point is on the curve; the secret is the x coordinate (RFC 8446 §7.4.2).
      return guarded(`${curve} agreement`, () => leftPad(toU8(ecdh.computeSecret(peerPublic)), size));
    },
  };
}

/**
 * Finite-field DH. The public value is left-padded to the byte length of p (RFC 8446 §4.2.8.1,
 * RFC 7919 §3), and so is the shared secret returned by `complete()` (RFC 8446 §7.4.1): a TLS 1.2
 * caller strips the leading zeros itself (RFC 5246 §8.1.2).
 */
export function ffdhShare(group: GroupName | 'custom-dh', p: bigint, g: bigint, exponent?: Uint8Array): SyncKeyShare {
  if (p < 7n || g < 2n || g >= p - 1n) throw new CryptoError('invalid DH parameters');
  const pBytes = bigintToBytes(p);
  const size = pBytes.length;
  const dh = guarded('DH setup', () => crypto.createDiffieHellman(pBytes, bigintToBytes(g)));
  if (exponent !== undefined) {
    const x = bytesToBigint(exponent);
    if (x < 1n || x >= p - 1n) throw new CryptoError('DH private key out of range');
    dh.setPrivateKey(exponent);
  }
  // With a private key set, generateKeys() only computes g^x mod p; otherwise OpenSSL picks x
  // (with the short exponents RFC 7919 §5.2 allows when it recognises the group).
  guarded('DH key generation', () => dh.generateKeys());
  const publicKey = leftPad(toU8(dh.getPublicKey()), size);
  return {
    group,
    publicKey,
    complete(peerPublic: Uint8Array): Uint8Array {
      if (peerPublic.length === 0 || peerPublic.length > size) throw new CryptoError('DH peer value has a bad length');
      // RFC 7919 §5.1: the peer value must satisfy 1 < y < p - 1.
      const y = bytesToBigint(peerPublic);
      if (y <= 1n || y >= p - 1n) throw new CryptoError('DH peer value out of range');
      return guarded('DH agreement', () => leftPad(toU8(dh.computeSecret(peerPublic)), size));
    },
  };
}
