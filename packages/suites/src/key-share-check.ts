/**
 * Validation of a peer's key-exchange value before any provider sees it, for every group and both
 * TLS versions: the same `illegal_parameter` answer whatever provider (noble, node, WebCrypto) would
 * have done with the bytes. RFC 8446 §4.2.8.1-§4.2.8.2 and §7.4, RFC 7748 §6, RFC 8422 §5.11,
 * RFC 7919 §5.1, FIPS 203 §7.2 (ML-KEM encapsulation key check).
 * @module
 */
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { TlsAlert } from './alerts.js';
import { ffdhePrime, isFfdheGroup } from './ffdhe.js';
import { isKemGroup, KEM_GROUPS, type KemGroupName } from './kem-groups.js';
import type { GroupName } from './provider.js';

interface CurveParameters {
  readonly p: bigint;
  readonly a: bigint;
  readonly b: bigint;
  /** Bytes per coordinate. */
  readonly size: number;
}

const curve = (c: { Point: { CURVE(): { p: bigint; a: bigint; b: bigint }; Fp: { BYTES: number } } }) => {
  const { p, a, b } = c.Point.CURVE();
  return { p, a, b, size: c.Point.Fp.BYTES };
};

const NIST: Readonly<Record<string, CurveParameters>> = {
  secp256r1: curve(p256 as never),
  secp384r1: curve(p384 as never),
  secp521r1: curve(p521 as never),
};

/** RFC 7748 §5: u-coordinates are 32 (X25519) and 56 (X448) bytes. */
const MONTGOMERY_SIZE: Readonly<Record<string, number>> = { x25519: 32, x448: 56 };

/** FIPS 203 §2.4: the ML-KEM modulus. */
const MLKEM_Q = 3329;

/** Who sent the value: a client share (TLS 1.3 key_share, TLS 1.2 ClientKeyExchange) or a server one. */
export type ShareSender = 'client' | 'server';

/** Options for {@link checkPeerShare}. */
export interface PeerShareContext {
  readonly sender: ShareSender;
  /** TLS 1.3 fixes FFDHE values to the full size of p (RFC 8446 §4.2.8.1); TLS 1.2 strips zeros. */
  readonly tls13: boolean;
  /** TLS 1.2 DHE with custom parameters: the prime. */
  readonly dhPrime?: bigint;
}

const bad = (group: string, why: string): TlsAlert =>
  new TlsAlert('illegal_parameter', `invalid ${group} key share: ${why}`);

function toBigint(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

const allZero = (bytes: Uint8Array): boolean => bytes.every((b) => b === 0);

function checkMontgomery(group: string, value: Uint8Array): void {
  const size = MONTGOMERY_SIZE[group] as number;
  if (value.length !== size) throw bad(group, `${value.length} bytes, expected ${size}`);
  // The all-zero u-coordinate is a small-order point: its shared secret is all zero (RFC 7748 §6).
  if (allZero(value)) throw bad(group, 'all-zero public value');
}

/** RFC 8446 §4.2.8.2 / RFC 8422 §5.11: uncompressed (04 || X || Y), coordinates in the field, on the curve. */
function checkNist(group: string, value: Uint8Array): void {
  const c = NIST[group] as CurveParameters;
  if (value.length === 1 && value[0] === 0) throw bad(group, 'the point at infinity');
  if (value[0] !== 4) throw bad(group, `point form 0x${(value[0] ?? 0).toString(16)}; only uncompressed is allowed`);
  if (value.length !== 1 + 2 * c.size) throw bad(group, `${value.length} bytes, expected ${1 + 2 * c.size}`);
  const x = toBigint(value.subarray(1, 1 + c.size));
  const y = toBigint(value.subarray(1 + c.size));
  if (x >= c.p || y >= c.p) throw bad(group, 'coordinate outside the field');
  const mod = (v: bigint) => ((v % c.p) + c.p) % c.p;
  if (mod(y * y) !== mod(x * x * x + c.a * x + c.b)) throw bad(group, 'point not on the curve');
}

/** RFC 7919 §5.1 / RFC 8446 §4.2.8.1: 1 < Y < p - 1; TLS 1.3 values are exactly the size of p. */
function checkFiniteField(group: string, value: Uint8Array, p: bigint, tls13: boolean): void {
  const size = (p.toString(16).length + 1) >> 1;
  if (value.length === 0 || value.length > size) throw bad(group, `${value.length} bytes for a ${size}-byte prime`);
  if (tls13 && value.length !== size) throw bad(group, `${value.length} bytes, expected ${size} (RFC 8446 §4.2.8.1)`);
  const y = toBigint(value);
  if (y <= 1n || y >= p - 1n) throw bad(group, 'value outside 2..p-2');
}

/** FIPS 203 §7.2: every 12-bit coefficient of the encoded vector (all but the 32-byte seed ρ) is below q. */
function checkMlKemEncapsulationKey(group: string, ek: Uint8Array): void {
  const polys = ek.subarray(0, ek.length - 32);
  for (let i = 0; i + 2 < polys.length; i += 3) {
    const b0 = polys[i] as number;
    const b1 = polys[i + 1] as number;
    const b2 = polys[i + 2] as number;
    if ((b0 | ((b1 & 0x0f) << 8)) >= MLKEM_Q || ((b1 >> 4) | (b2 << 4)) >= MLKEM_Q)
      throw bad(group, 'ML-KEM encapsulation key coefficient out of range');
  }
}

/**
 * An ML-KEM group's value (kem-groups.ts): the exact length, the encapsulation key's coefficients
 * when a client sent it, and the ECDHE half of a hybrid checked as that curve's own share.
 */
function checkKemGroup(group: KemGroupName, value: Uint8Array, sender: ShareSender): void {
  const layout = KEM_GROUPS[group];
  const kem = sender === 'client' ? layout.encapsulationKeyLength : layout.ciphertextLength;
  const ecdh = layout.ecdh;
  const total = kem + (ecdh?.shareLength ?? 0);
  if (value.length !== total) throw bad(group, `${value.length} bytes, expected ${total}`);
  const kemAt = ecdh?.first === true ? ecdh.shareLength : 0;
  if (sender === 'client') checkMlKemEncapsulationKey(group, value.subarray(kemAt, kemAt + kem));
  if (ecdh === undefined) return;
  const ecdhValue = ecdh.first ? value.subarray(0, ecdh.shareLength) : value.subarray(kem);
  if (ecdh.group === 'x25519') checkMontgomery(ecdh.group, ecdhValue);
  else checkNist(ecdh.group, ecdhValue);
}

/**
 * Checks a peer's public value (or, for hybrids sent by a server, ciphertext) for `group`.
 *
 * @throws TlsAlert `illegal_parameter` for a wrong length, a point off the curve or at infinity, a
 *   compressed point, coordinates outside the field, an all-zero X25519/X448 value, an FFDHE value
 *   outside 2..p-2, an ML-KEM value of the wrong length or with out-of-range coefficients.
 * @example
 * checkPeerShare('x25519', share, { sender: 'client', tls13: true });
 */
export function checkPeerShare(group: GroupName | 'custom-dh', value: Uint8Array, ctx: PeerShareContext): void {
  if (group === 'x25519' || group === 'x448') checkMontgomery(group, value);
  else if (group in NIST) checkNist(group, value);
  else if (isKemGroup(group)) checkKemGroup(group, value, ctx.sender);
  else if (isFfdheGroup(group)) checkFiniteField(group, value, ffdhePrime(group), ctx.tls13);
  else if (group === 'custom-dh' && ctx.dhPrime !== undefined) checkFiniteField('DH', value, ctx.dhPrime, false);
  else throw bad(String(group), 'unknown group');
}

/**
 * Checks the shared secret a provider derived: RFC 7748 §6.1 and RFC 8446 §7.4.2 require aborting
 * when an X25519/X448 result (also the X25519 half of X25519MLKEM768) is all zeros.
 *
 * @throws TlsAlert `illegal_parameter`
 */
export function checkSharedSecret(group: GroupName | 'custom-dh', secret: Uint8Array): void {
  // X25519MLKEM768 puts the X25519 secret last (RFC 10024 §4.1); the other ML-KEM groups have none.
  const tail = group === 'X25519MLKEM768' ? secret.subarray(secret.length - 32) : secret;
  if ((group === 'x25519' || group === 'x448' || group === 'X25519MLKEM768') && allZero(tail)) {
    throw new TlsAlert('illegal_parameter', `${group} shared secret is all zeros (small-order point)`);
  }
}
