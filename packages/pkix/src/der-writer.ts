/**
 * DER encoders for what certificate generation writes (X.690 §8, §10–11), on top of encodeTlv.
 * @module
 */
import { concatBytes } from '@noble/hashes/utils.js';
import { encodeTlv } from './der.js';
import { TAG } from './der-reader.js';

export const seq = (...parts: readonly Uint8Array[]): Uint8Array => encodeTlv(TAG.sequence, concatBytes(...parts));
export const set = (...parts: readonly Uint8Array[]): Uint8Array => encodeTlv(TAG.set, concatBytes(...parts));
export const octets = (bytes: Uint8Array): Uint8Array => encodeTlv(TAG.octetString, bytes);
export const utf8 = (text: string): Uint8Array => encodeTlv(0x0c, new TextEncoder().encode(text));
export const bool = (value: boolean): Uint8Array => encodeTlv(TAG.boolean, new Uint8Array([value ? 0xff : 0]));
/** `[n]` around `content`: constructed for EXPLICIT or IMPLICIT over constructed types. */
export const tagged = (n: number, constructed: boolean, content: Uint8Array): Uint8Array =>
  encodeTlv((constructed ? 0xa0 : 0x80) | n, content);

/** A BIT STRING of whole octets, or with `unusedBits` trailing bits unused (X.690 §8.6). */
export function bitString(bytes: Uint8Array, unusedBits = 0): Uint8Array {
  return encodeTlv(TAG.bitString, concatBytes(new Uint8Array([unusedBits]), bytes));
}

/** An INTEGER from its magnitude octets or a small number, in the minimal two's-complement form (X.690 §8.3.2). */
export function integer(value: number | Uint8Array): Uint8Array {
  let bytes: Uint8Array;
  if (typeof value === 'number') {
    const out: number[] = [];
    for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) out.unshift(rest & 0xff);
    bytes = new Uint8Array(out.length === 0 ? [0] : out);
  } else bytes = value;
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0 && ((bytes[start + 1] as number) & 0x80) === 0) start++;
  const trimmed = bytes.subarray(start);
  const padded = ((trimmed[0] ?? 0) & 0x80) !== 0 ? concatBytes(new Uint8Array([0]), trimmed) : trimmed;
  return encodeTlv(TAG.integer, padded);
}

/** An OBJECT IDENTIFIER from its dotted form (X.690 §8.19). */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const values = [(arcs[0] as number) * 40 + (arcs[1] as number), ...arcs.slice(2)];
  const out: number[] = [];
  for (const value of values) {
    const group: number[] = [value & 0x7f];
    for (let rest = Math.floor(value / 128); rest > 0; rest = Math.floor(rest / 128))
      group.unshift((rest & 0x7f) | 0x80);
    out.push(...group);
  }
  return encodeTlv(TAG.oid, new Uint8Array(out));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, in UTC with seconds. */
export function time(date: Date): Uint8Array {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  const utc = date.getUTCFullYear() < 2050;
  return encodeTlv(utc ? TAG.utcTime : TAG.generalizedTime, new TextEncoder().encode(utc ? digits.slice(2) : digits));
}
