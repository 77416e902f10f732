/**
 * Test helper: node-generated key pairs converted to the contract's plain key shapes (through JWK),
 * so tests exercise the provider's own import path. Not part of the package surface.
 *
 * @module
 */

import * as crypto from 'node:crypto';
import type { EcCurve, PrivateKey, PublicKey } from '@sslsocket/suites';
import { bytesToBigint, fromBase64url } from './bytes.js';

export interface TestKeyPair {
  readonly privateKey: PrivateKey;
  readonly publicKey: PublicKey;
}

const big = (member: string | undefined): bigint => bytesToBigint(fromBase64url(member ?? ''));
const raw = (member: string | undefined): Uint8Array => fromBase64url(member ?? '');

/** An RSA key pair (rsaEncryption) of `bits` bits. */
export function rsaKeyPair(bits: number): TestKeyPair {
  const jwk = crypto.generateKeyPairSync('rsa', { modulusLength: bits }).privateKey.export({ format: 'jwk' });
  const n = big(jwk.n);
  const e = big(jwk.e);
  return {
    privateKey: {
      kind: 'rsa',
      n,
      e,
      d: big(jwk.d),
      p: big(jwk.p),
      q: big(jwk.q),
      dp: big(jwk.dp),
      dq: big(jwk.dq),
      qi: big(jwk.qi),
    },
    publicKey: { kind: 'rsa', n, e },
  };
}

const NODE_CURVE: Record<EcCurve, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };

/** An ECDSA key pair on `curve`. */
export function ecKeyPair(curve: EcCurve): TestKeyPair {
  const jwk = crypto.generateKeyPairSync('ec', { namedCurve: NODE_CURVE[curve] }).privateKey.export({ format: 'jwk' });
  const point = Uint8Array.of(4, ...raw(jwk.x), ...raw(jwk.y));
  return { privateKey: { kind: 'ec', curve, d: raw(jwk.d), point }, publicKey: { kind: 'ec', curve, point } };
}

/** An EdDSA key pair. */
export function edKeyPair(kind: 'ed25519' | 'ed448'): TestKeyPair {
  const pair = kind === 'ed25519' ? crypto.generateKeyPairSync('ed25519') : crypto.generateKeyPairSync('ed448');
  const jwk = pair.privateKey.export({ format: 'jwk' });
  const key = raw(jwk.x);
  return { privateKey: { kind, seed: raw(jwk.d), key }, publicKey: { kind, key } };
}
