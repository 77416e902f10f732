/**
 * A minimal DER reader for one job: the SubjectPublicKeyInfo of a leaf certificate, turned into a
 * provider PublicKey (RFC 5280 §4.1, RFC 3279, RFC 5480, RFC 8410). Full certificate handling is
 * @sslsocket/pkix's; this exists so pinned-certificate mode works without it.
 * @module
 */
import type { EcCurve, PublicKey } from '@sslsocket/suites';
import { toHex } from './bytes.js';

interface Tlv {
  readonly tag: number;
  readonly value: Uint8Array;
  readonly end: number;
}

function readTlv(data: Uint8Array, at: number): Tlv {
  const tag = data[at];
  let length = data[at + 1];
  if (tag === undefined || length === undefined) throw new RangeError('DER: truncated');
  let offset = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 3) throw new RangeError('DER: bad length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (data[offset + i] ?? 0);
    offset += count;
  }
  if (offset + length > data.length) throw new RangeError('DER: truncated value');
  return { tag, value: data.subarray(offset, offset + length), end: offset + length };
}

function children(data: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  for (let at = 0; at < data.length; ) {
    const t = readTlv(data, at);
    out.push(t);
    at = t.end;
  }
  return out;
}

/** The SubjectPublicKeyInfo element (as its content) of a DER certificate. */
export function spkiFromCertificate(der: Uint8Array): Uint8Array {
  const cert = readTlv(der, 0);
  const tbs = children(cert.value)[0];
  if (tbs === undefined) throw new RangeError('DER: no tbsCertificate');
  const fields = children(tbs.value);
  // [0] EXPLICIT version is optional; skip it when present.
  const base = fields[0]?.tag === 0xa0 ? 1 : 0;
  const spki = fields[base + 5];
  if (spki === undefined || spki.tag !== 0x30) throw new RangeError('DER: no subjectPublicKeyInfo');
  return spki.value;
}

function unsigned(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${toHex(bytes)}`);
}

const CURVES: Record<string, EcCurve> = {
  '2a8648ce3d030107': 'P-256',
  '2b81040022': 'P-384',
  '2b81040023': 'P-521',
};

/** Converts SubjectPublicKeyInfo content bytes into a PublicKey. */
export function publicKeyFromSpki(spki: Uint8Array): PublicKey {
  const [algorithm, bits] = children(spki);
  if (algorithm === undefined || bits === undefined || bits.tag !== 0x03) throw new RangeError('DER: bad SPKI');
  const [oid, params] = children(algorithm.value);
  const key = bits.value.subarray(1); // skip the unused-bits byte
  switch (toHex(oid?.value ?? new Uint8Array(0))) {
    case '2a864886f70d010101':
    case '2a864886f70d01010a': {
      const [n, e] = children(readTlv(key, 0).value);
      if (n === undefined || e === undefined) throw new RangeError('DER: bad RSA key');
      const pss = toHex(oid?.value ?? new Uint8Array(0)).endsWith('0a');
      return pss
        ? { kind: 'rsa-pss', n: unsigned(n.value), e: unsigned(e.value) }
        : { kind: 'rsa', n: unsigned(n.value), e: unsigned(e.value) };
    }
    case '2a8648ce3d0201': {
      const curve = CURVES[toHex(params?.value ?? new Uint8Array(0))];
      if (curve === undefined) throw new RangeError('DER: unsupported curve');
      return { kind: 'ec', curve, point: key.slice() };
    }
    case '2b6570':
      return { kind: 'ed25519', key: key.slice() };
    case '2b6571':
      return { kind: 'ed448', key: key.slice() };
    default:
      throw new RangeError('DER: unsupported public key algorithm');
  }
}
