/**
 * The TLS 1.3 key schedule (RFC 8446 §7.1-§7.5): HKDF-Expand-Label, Derive-Secret, the early /
 * handshake / master secret chain, traffic keys, Finished keys, KeyUpdate, resumption and exporters.
 * Pure functions over a provider and a hash; nothing here knows about messages.
 * @module
 */

import type { CryptoProvider, HashAlgorithm } from '@sslsocket/suites';
import { equalBytes, utf8 } from '../bytes.js';

export function hashLength(hash: HashAlgorithm): number {
  return hash === 'SHA-384' ? 48 : hash === 'SHA-512' ? 64 : hash === 'SHA-1' ? 20 : 32;
}

/**
 * "tls13 " || Label in UTF-8 for the labels seen so far. The schedule's own labels are a dozen
 * constants; exporter labels come from the application, so the cache stops growing at a bound.
 */
const fullLabels = new Map<string, Uint8Array>();
const FULL_LABEL_CACHE_LIMIT = 64;

function fullLabel(label: string): Uint8Array {
  let bytes = fullLabels.get(label);
  if (bytes === undefined) {
    bytes = utf8(`tls13 ${label}`);
    if (fullLabels.size < FULL_LABEL_CACHE_LIMIT) fullLabels.set(label, bytes);
  }
  return bytes;
}

/**
 * RFC 8446 §7.1 HkdfLabel: struct { uint16 length; opaque label<7..255>; opaque context<0..255>; },
 * encoded in one small array (no growable writer: the key schedule builds a few dozen per handshake).
 * Throws RangeError when a field does not fit its length prefix.
 */
export function hkdfLabel(label: string, context: Uint8Array, length: number): Uint8Array {
  const name = fullLabel(label);
  if (!Number.isInteger(length) || length < 0 || length > 0xffff) {
    throw new RangeError(`HkdfLabel length out of range: ${length}`);
  }
  if (name.length > 255) throw new RangeError(`HkdfLabel label of ${name.length} bytes exceeds 255`);
  if (context.length > 255) throw new RangeError(`HkdfLabel context of ${context.length} bytes exceeds 255`);
  const info = new Uint8Array(4 + name.length + context.length);
  info[0] = length >>> 8;
  info[1] = length & 0xff;
  info[2] = name.length;
  info.set(name, 3);
  info[3 + name.length] = context.length;
  info.set(context, 4 + name.length);
  return info;
}

/** RFC 8446 §7.1: HKDF-Expand-Label(Secret, Label, Context, Length) with the "tls13 " prefix. */
export function hkdfExpandLabel(
  p: CryptoProvider,
  hash: HashAlgorithm,
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Uint8Array {
  return p.hkdfExpand(hash, secret, hkdfLabel(label, context, length), length);
}

/** RFC 8446 §7.1: Derive-Secret(Secret, Label, Messages) given Transcript-Hash(Messages). */
export function deriveSecret(
  p: CryptoProvider,
  hash: HashAlgorithm,
  secret: Uint8Array,
  label: string,
  transcriptHash: Uint8Array,
): Uint8Array {
  return hkdfExpandLabel(p, hash, secret, label, transcriptHash, hashLength(hash));
}

/**
 * Values of the schedule that depend on the provider and hash only, computed once per provider:
 * Hash(""), and without a PSK the Early Secret and the salt of the Handshake Secret (RFC 8446 §7.1:
 * HKDF-Extract(0, 0) and Derive-Secret(., "derived", "")). The Early Secret leaves as a copy; the
 * others only reach the provider as inputs, never a caller.
 */
interface ScheduleConstants {
  readonly emptyHash: Uint8Array;
  readonly early: Uint8Array;
  readonly derivedFromEarly: Uint8Array;
}
const constants = new WeakMap<CryptoProvider, Map<HashAlgorithm, ScheduleConstants>>();

function scheduleConstants(p: CryptoProvider, hash: HashAlgorithm): ScheduleConstants {
  let byHash = constants.get(p);
  if (byHash === undefined) {
    byHash = new Map();
    constants.set(p, byHash);
  }
  let known = byHash.get(hash);
  if (known === undefined) {
    const empty = p.digest(hash, new Uint8Array(0));
    const zeros = new Uint8Array(hashLength(hash));
    const early = p.hkdfExtract(hash, zeros, zeros);
    known = { emptyHash: empty, early, derivedFromEarly: deriveSecret(p, hash, early, 'derived', empty) };
    byHash.set(hash, known);
  }
  return known;
}

/** Hash of the empty string, the context of "derived" secrets (shared: read it, never change it). */
function emptyHash(p: CryptoProvider, hash: HashAlgorithm): Uint8Array {
  return scheduleConstants(p, hash).emptyHash;
}

/** Early Secret = HKDF-Extract(0, PSK or zeros). */
export function earlySecret(p: CryptoProvider, hash: HashAlgorithm, psk?: Uint8Array): Uint8Array {
  if (psk === undefined) return scheduleConstants(p, hash).early.slice();
  return p.hkdfExtract(hash, new Uint8Array(hashLength(hash)), psk);
}

/** Handshake Secret = HKDF-Extract(Derive-Secret(early, "derived", ""), (EC)DHE). */
export function handshakeSecret(
  p: CryptoProvider,
  hash: HashAlgorithm,
  early: Uint8Array,
  sharedSecret: Uint8Array | undefined,
): Uint8Array {
  const known = scheduleConstants(p, hash);
  // Without a PSK the salt is a constant; with one it is derived (the comparison is of secrets, so
  // in constant time).
  const salt = equalBytes(early, known.early)
    ? known.derivedFromEarly
    : deriveSecret(p, hash, early, 'derived', emptyHash(p, hash));
  return p.hkdfExtract(hash, salt, sharedSecret ?? new Uint8Array(hashLength(hash)));
}

/** Master Secret = HKDF-Extract(Derive-Secret(handshake, "derived", ""), 0). */
export function masterSecret(p: CryptoProvider, hash: HashAlgorithm, handshake: Uint8Array): Uint8Array {
  const salt = deriveSecret(p, hash, handshake, 'derived', emptyHash(p, hash));
  return p.hkdfExtract(hash, salt, new Uint8Array(hashLength(hash)));
}

/** RFC 8446 §7.3: the write key and IV for a traffic secret. */
export interface TrafficKeys {
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
}

export function trafficKeys(
  p: CryptoProvider,
  hash: HashAlgorithm,
  secret: Uint8Array,
  keyLength: number,
): TrafficKeys {
  return {
    key: hkdfExpandLabel(p, hash, secret, 'key', new Uint8Array(0), keyLength),
    iv: hkdfExpandLabel(p, hash, secret, 'iv', new Uint8Array(0), 12),
  };
}

/** RFC 8446 §4.4.4: finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length). */
export function finishedKey(p: CryptoProvider, hash: HashAlgorithm, baseKey: Uint8Array): Uint8Array {
  return hkdfExpandLabel(p, hash, baseKey, 'finished', new Uint8Array(0), hashLength(hash));
}

/** verify_data = HMAC(finished_key, Transcript-Hash(...)). */
export function finishedVerifyData(
  p: CryptoProvider,
  hash: HashAlgorithm,
  baseKey: Uint8Array,
  transcriptHash: Uint8Array,
): Uint8Array {
  return p.hmac(hash, finishedKey(p, hash, baseKey), transcriptHash);
}

/** RFC 8446 §7.2: application_traffic_secret_N+1 = HKDF-Expand-Label(secret_N, "traffic upd", "", L). */
export function nextTrafficSecret(p: CryptoProvider, hash: HashAlgorithm, secret: Uint8Array): Uint8Array {
  return hkdfExpandLabel(p, hash, secret, 'traffic upd', new Uint8Array(0), hashLength(hash));
}

/** RFC 8446 §4.6.1: the PSK for a ticket = HKDF-Expand-Label(resumption_master, "resumption", nonce, L). */
export function resumptionPsk(
  p: CryptoProvider,
  hash: HashAlgorithm,
  resumptionMasterSecret: Uint8Array,
  ticketNonce: Uint8Array,
): Uint8Array {
  return hkdfExpandLabel(p, hash, resumptionMasterSecret, 'resumption', ticketNonce, hashLength(hash));
}

/** RFC 8446 §7.1: binder_key = Derive-Secret(early, "ext binder" | "res binder", ""). */
export function binderKey(p: CryptoProvider, hash: HashAlgorithm, early: Uint8Array, external: boolean): Uint8Array {
  return deriveSecret(p, hash, early, external ? 'ext binder' : 'res binder', emptyHash(p, hash));
}

/**
 * RFC 8446 §7.5: TLS-Exporter(label, context, length) =
 * HKDF-Expand-Label(Derive-Secret(exporter_master, label, ""), "exporter", Hash(context), length).
 */
export function exportKeyingMaterial(
  p: CryptoProvider,
  hash: HashAlgorithm,
  exporterMasterSecret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Uint8Array {
  const secret = deriveSecret(p, hash, exporterMasterSecret, label, emptyHash(p, hash));
  return hkdfExpandLabel(p, hash, secret, 'exporter', p.digest(hash, context), length);
}
