/**
 * Conversion of the contract's plain keys into node KeyObjects, through JWK (RFC 7517/7518/8037).
 *
 * Importing a key costs far more than using it (a profiled competitor spent 39% of its handshake time
 * re-importing keys), so each plain key object is imported once and the KeyObject cached in a
 * WeakMap keyed on the object's identity: a long-lived server key is imported on first use only,
 * and the cache entry goes away with the key.
 *
 * @module
 */

import { Buffer } from 'node:buffer';
import * as crypto from 'node:crypto';
import type { EcCurve, PrivateKey, PublicKey } from '@sslsocket/suites';
import { CryptoError } from '@sslsocket/suites';
import { base64url, bigintToBytes, fromBase64url, toU8 } from './bytes.js';

/** Coordinate (and scalar) size of each curve in bytes (SEC 1 §2.3.3). */
export const EC_FIELD_LENGTH: Readonly<Record<EcCurve, number>> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };

const privateCache = new WeakMap<PrivateKey, crypto.KeyObject>();
const publicCache = new WeakMap<PublicKey, crypto.KeyObject>();

/** Splits an uncompressed SEC 1 point 0x04 || X || Y (the only form TLS 1.3 §4.2.8.2 allows). */
function ecCoordinates(curve: EcCurve, point: Uint8Array): { x: string; y: string } {
  const size = EC_FIELD_LENGTH[curve];
  if (point.length !== 1 + 2 * size || point[0] !== 0x04) {
    throw new CryptoError(`${curve} public key is not an uncompressed point`);
  }
  return { x: base64url(point.subarray(1, 1 + size)), y: base64url(point.subarray(1 + size)) };
}

function rsaPublicJwk(n: bigint, e: bigint): crypto.JsonWebKey {
  if (n <= 0n || e <= 0n) throw new CryptoError('invalid RSA public key');
  return { kty: 'RSA', n: base64url(bigintToBytes(n)), e: base64url(bigintToBytes(e)) };
}

function publicJwk(key: PublicKey): crypto.JsonWebKey {
  switch (key.kind) {
    case 'ec':
      return { kty: 'EC', crv: key.curve, ...ecCoordinates(key.curve, key.point) };
    case 'rsa':
    case 'rsa-pss':
      return rsaPublicJwk(key.n, key.e);
    case 'ed25519':
      return { kty: 'OKP', crv: 'Ed25519', x: base64url(checkLength(key.key, 32, 'Ed25519 public key')) };
    case 'ed448':
      return { kty: 'OKP', crv: 'Ed448', x: base64url(checkLength(key.key, 57, 'Ed448 public key')) };
  }
}

function privateJwk(key: PrivateKey): crypto.JsonWebKey {
  switch (key.kind) {
    case 'ec':
      return {
        kty: 'EC',
        crv: key.curve,
        ...ecCoordinates(key.curve, key.point),
        // JWK wants the scalar at full field length (RFC 7518 §6.2.2.1).
        d: base64url(leftPadScalar(key.d, EC_FIELD_LENGTH[key.curve])),
      };
    case 'rsa':
    case 'rsa-pss':
      return {
        ...rsaPublicJwk(key.n, key.e),
        d: base64url(bigintToBytes(key.d)),
        p: base64url(bigintToBytes(key.p)),
        q: base64url(bigintToBytes(key.q)),
        dp: base64url(bigintToBytes(key.dp)),
        dq: base64url(bigintToBytes(key.dq)),
        qi: base64url(bigintToBytes(key.qi)),
      };
    case 'ed25519':
      return {
        kty: 'OKP',
        crv: 'Ed25519',
        x: base64url(checkLength(key.key, 32, 'Ed25519 public key')),
        d: base64url(checkLength(key.seed, 32, 'Ed25519 seed')),
      };
    case 'ed448':
      return {
        kty: 'OKP',
        crv: 'Ed448',
        x: base64url(checkLength(key.key, 57, 'Ed448 public key')),
        d: base64url(checkLength(key.seed, 57, 'Ed448 seed')),
      };
  }
}

function checkLength(bytes: Uint8Array, length: number, what: string): Uint8Array {
  if (bytes.length !== length) throw new CryptoError(`${what} must be ${length} bytes, got ${bytes.length}`);
  return bytes;
}

function leftPadScalar(d: Uint8Array, length: number): Uint8Array {
  if (d.length === length) return d;
  // Accept a minimal encoding (leading zeros stripped) or one with a spare leading zero byte.
  let start = 0;
  while (start < d.length - 1 && d[start] === 0 && d.length - start > length) start++;
  const trimmed = d.subarray(start);
  if (trimmed.length > length) throw new CryptoError('EC private scalar too long for its curve');
  const out = new Uint8Array(length);
  out.set(trimmed, length - trimmed.length);
  return out;
}

/** The KeyObject for a plain public key, imported once per key object. Throws CryptoError when malformed. */
export function publicKeyObject(key: PublicKey): crypto.KeyObject {
  let imported = publicCache.get(key);
  if (imported === undefined) {
    const jwk = publicJwk(key);
    try {
      imported = crypto.createPublicKey({ key: jwk, format: 'jwk' });
    } catch (cause) {
      throw new CryptoError(`invalid ${key.kind} public key`, { cause });
    }
    publicCache.set(key, imported);
  }
  return imported;
}

/** The KeyObject for a plain private key, imported once per key object. Throws CryptoError when malformed. */
export function privateKeyObject(key: PrivateKey): crypto.KeyObject {
  let imported = privateCache.get(key);
  if (imported === undefined) {
    const jwk = privateJwk(key);
    try {
      imported = crypto.createPrivateKey({ key: jwk, format: 'jwk' });
    } catch (cause) {
      throw new CryptoError(`invalid ${key.kind} private key`, { cause });
    }
    privateCache.set(key, imported);
  }
  return imported;
}

/**
 * PKCS#8 PrivateKeyInfo prefixes for raw X25519/X448 scalars (RFC 8410 §7): SEQUENCE { version 0,
 * AlgorithmIdentifier { id-X25519 | id-X448 }, OCTET STRING { OCTET STRING scalar } }.
 */
const PKCS8_PREFIX = {
  x25519: Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20),
  x448: Uint8Array.of(0x30, 0x46, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6f, 0x04, 0x3a, 0x04, 0x38),
} as const;

/** Scalar and public-value length of X25519 / X448 (RFC 7748 §5). */
export const MONTGOMERY_LENGTH = { x25519: 32, x448: 56 } as const;

const JWK_CURVE = { x25519: 'X25519', x448: 'X448' } as const;

function importScalarJwk(group: 'x25519' | 'x448', scalar: Uint8Array): crypto.KeyObject {
  // JWK (RFC 8037 §2) insists on the public `x`, which is what we are about to compute. Node builds
  // the key from `d` alone (OpenSSL derives the public half), so a placeholder `x` is passed; whether
  // the runtime really ignores it is checked once below against RFC 7748's sample.
  const placeholder = base64url(new Uint8Array(MONTGOMERY_LENGTH[group]));
  return crypto.createPrivateKey({
    key: { kty: 'OKP', crv: JWK_CURVE[group], d: base64url(scalar), x: placeholder },
    format: 'jwk',
  });
}

function importScalarPkcs8(group: 'x25519' | 'x448', scalar: Uint8Array): crypto.KeyObject {
  const prefix = PKCS8_PREFIX[group];
  const der = Buffer.alloc(prefix.length + scalar.length);
  der.set(prefix);
  der.set(scalar, prefix.length);
  return crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

/**
 * JWK import of a scalar costs ~40 µs on node 20, PKCS#8 DER ~350 µs (OpenSSL 3's decoder chain),
 * so JWK is used when it yields the right public key: RFC 7748 §6.1's Alice, checked once at load.
 */
export const jwkScalarImportWorks: boolean = (() => {
  try {
    const alice = Buffer.from('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a', 'hex');
    return montgomeryPublicValue(importScalarJwk('x25519', alice)) === 'hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo';
  } catch {
    return false;
  }
})();

/** The base64url public value of an X25519/X448 private KeyObject (JWK export is the cheap one). */
function montgomeryPublicValue(privateKey: crypto.KeyObject): string {
  return crypto.createPublicKey(privateKey).export({ format: 'jwk' }).x ?? '';
}

/** Imports a raw X25519/X448 private scalar and returns it with its raw public value. */
export function montgomeryKeyPair(
  group: 'x25519' | 'x448',
  scalar: Uint8Array,
): { privateKey: crypto.KeyObject; publicValue: Uint8Array } {
  checkLength(scalar, MONTGOMERY_LENGTH[group], `${group} private key`);
  const privateKey = jwkScalarImportWorks ? importScalarJwk(group, scalar) : importScalarPkcs8(group, scalar);
  const publicValue = fromBase64url(montgomeryPublicValue(privateKey));
  checkLength(publicValue, MONTGOMERY_LENGTH[group], `${group} public key`);
  return { privateKey, publicValue };
}

/**
 * Whether this runtime has raw key formats (`'raw-public'`: Node 24 has them, Node 20 not; detected,
 * not assumed from the version): X25519/X448 public values then go in and out of KeyObjects as they
 * are on the wire (RFC 7748 §5), with no JWK object or base64url string per handshake. Checked once
 * at load with a round trip of RFC 7748 §6.1's Alice.
 */
export const rawPublicKeys: boolean = (() => {
  try {
    const alice = Buffer.from('8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a', 'hex');
    const imported = crypto.createPublicKey({ key: alice, format: 'raw-public', asymmetricKeyType: 'x25519' } as never);
    const exported = imported.export({ format: 'raw-public' } as never) as unknown as Uint8Array;
    return imported.asymmetricKeyType === 'x25519' && Buffer.from(exported).equals(alice);
  } catch {
    return false;
  }
})();

/** The raw public value of an X25519/X448 public KeyObject. */
function exportMontgomeryPublic(publicKey: crypto.KeyObject): Uint8Array {
  if (rawPublicKeys) return toU8(publicKey.export({ format: 'raw-public' } as never) as unknown as Uint8Array);
  return fromBase64url(publicKey.export({ format: 'jwk' }).x ?? '');
}

/**
 * A fresh X25519/X448 key pair: generating in OpenSSL (~43 µs on node 20) is cheaper than drawing a
 * scalar and importing it (~64 µs), and the public value comes with it.
 */
export function generateMontgomeryKeyPair(group: 'x25519' | 'x448'): {
  privateKey: crypto.KeyObject;
  publicValue: Uint8Array;
} {
  const pair = group === 'x25519' ? crypto.generateKeyPairSync('x25519') : crypto.generateKeyPairSync('x448');
  const publicValue = exportMontgomeryPublic(pair.publicKey);
  checkLength(publicValue, MONTGOMERY_LENGTH[group], `${group} public key`);
  return { privateKey: pair.privateKey, publicValue };
}

/** Imports a raw X25519/X448 public value. */
export function montgomeryPublicKey(group: 'x25519' | 'x448', value: Uint8Array): crypto.KeyObject {
  checkLength(value, MONTGOMERY_LENGTH[group], `${group} public key`);
  if (rawPublicKeys) {
    return crypto.createPublicKey({ key: value, format: 'raw-public', asymmetricKeyType: group } as never);
  }
  return crypto.createPublicKey({
    key: { kty: 'OKP', crv: group === 'x25519' ? 'X25519' : 'X448', x: base64url(value) },
    format: 'jwk',
  });
}
