/**
 * The TLS 1.3 key schedule (RFC 8446 §7.1-§7.5): HKDF-Expand-Label, Derive-Secret, the early /
 * handshake / master secret chain, traffic keys, Finished keys, KeyUpdate, resumption and exporters.
 * Pure functions over a provider and a hash; nothing here knows about messages.
 * @module
 */

import { Writer } from '@sslsocket/record';
import type { CryptoProvider, HashAlgorithm } from '@sslsocket/suites';
import { utf8 } from '../bytes.js';

export function hashLength(hash: HashAlgorithm): number {
  return hash === 'SHA-384' ? 48 : hash === 'SHA-512' ? 64 : hash === 'SHA-1' ? 20 : 32;
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
  const w = new Writer(64 + context.length);
  w.u16(length);
  w.vector8(utf8(`tls13 ${label}`));
  w.vector8(context);
  return p.hkdfExpand(hash, secret, w.finish(), length);
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

/** Hash of the empty string, the context of "derived" secrets. */
function emptyHash(p: CryptoProvider, hash: HashAlgorithm): Uint8Array {
  return p.digest(hash, new Uint8Array(0));
}

/** Early Secret = HKDF-Extract(0, PSK or zeros). */
export function earlySecret(p: CryptoProvider, hash: HashAlgorithm, psk?: Uint8Array): Uint8Array {
  const zeros = new Uint8Array(hashLength(hash));
  return p.hkdfExtract(hash, zeros, psk ?? zeros);
}

/** Handshake Secret = HKDF-Extract(Derive-Secret(early, "derived", ""), (EC)DHE). */
export function handshakeSecret(
  p: CryptoProvider,
  hash: HashAlgorithm,
  early: Uint8Array,
  sharedSecret: Uint8Array | undefined,
): Uint8Array {
  const salt = deriveSecret(p, hash, early, 'derived', emptyHash(p, hash));
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
