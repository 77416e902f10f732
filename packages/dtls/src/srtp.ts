/**
 * DTLS-SRTP (RFC 5764): the use_srtp extension (§4.1.1) that negotiates an SRTP protection profile,
 * and the keying material the media stack takes from the DTLS handshake (§4.2): the exporter with
 * label "EXTRACTOR-dtls_srtp", no context, 2 × (key + salt) bytes, cut into client key, server key,
 * client salt, server salt.
 * @module
 */
import { Reader, Writer } from '@sslsocket/record';
import { TlsAlert } from '@sslsocket/suites';

/** SRTP protection profiles (RFC 5764 §4.1.2, RFC 7714 §14.2) with their key and salt lengths. */
export const SRTP_PROFILES = {
  SRTP_AES128_CM_HMAC_SHA1_80: { code: 0x0001, keyLength: 16, saltLength: 14 },
  SRTP_AES128_CM_HMAC_SHA1_32: { code: 0x0002, keyLength: 16, saltLength: 14 },
  SRTP_AEAD_AES_128_GCM: { code: 0x0007, keyLength: 16, saltLength: 12 },
  SRTP_AEAD_AES_256_GCM: { code: 0x0008, keyLength: 32, saltLength: 12 },
} as const;

export type SrtpProfileName = keyof typeof SRTP_PROFILES;

/** RFC 5764 §4.2: the exporter label for SRTP keys. */
export const SRTP_EXPORTER_LABEL = 'EXTRACTOR-dtls_srtp';

export function srtpProfileByCode(code: number): SrtpProfileName | undefined {
  return (Object.keys(SRTP_PROFILES) as SrtpProfileName[]).find((n) => SRTP_PROFILES[n].code === code);
}

/** RFC 5764 §4.1.1 UseSRTPData: SRTPProtectionProfiles<2..2^16-1>, srtp_mki<0..255>. */
export function encodeUseSrtp(profiles: readonly number[], mki: Uint8Array = new Uint8Array(0)): Uint8Array {
  const w = new Writer(8 + 2 * profiles.length + mki.length);
  const list = w.begin16();
  for (const p of profiles) w.u16(p);
  w.end(list);
  w.vector8(mki);
  return w.finish().slice();
}

export function decodeUseSrtp(data: Uint8Array): { profiles: number[]; mki: Uint8Array } {
  const r = new Reader(data);
  const list = r.sub16(2);
  if (list.remaining % 2 !== 0) throw new TlsAlert('decode_error', 'odd SRTPProtectionProfiles length');
  const profiles: number[] = [];
  while (!list.atEnd) profiles.push(list.u16());
  const mki = r.vector8().slice();
  r.expectEnd('use_srtp');
  return { profiles, mki };
}

/** The SRTP master keys and salts for both directions (RFC 5764 §4.2). */
export interface SrtpKeyingMaterial {
  readonly profile: SrtpProfileName;
  readonly clientKey: Uint8Array;
  readonly serverKey: Uint8Array;
  readonly clientSalt: Uint8Array;
  readonly serverSalt: Uint8Array;
}

/** Cuts the exporter output into keys and salts, in the RFC 5764 §4.2 order. */
export function splitSrtpKeyingMaterial(profile: SrtpProfileName, material: Uint8Array): SrtpKeyingMaterial {
  const { keyLength: k, saltLength: s } = SRTP_PROFILES[profile];
  return {
    profile,
    clientKey: material.slice(0, k),
    serverKey: material.slice(k, 2 * k),
    clientSalt: material.slice(2 * k, 2 * k + s),
    serverSalt: material.slice(2 * k + s, 2 * k + 2 * s),
  };
}

/** Bytes of keying material a profile needs: 2 × (key + salt). */
export function srtpMaterialLength(profile: SrtpProfileName): number {
  const { keyLength, saltLength } = SRTP_PROFILES[profile];
  return 2 * (keyLength + saltLength);
}
