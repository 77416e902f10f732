/**
 * Typed reads on top of the TLV reader in der.ts: the ASN.1 universal types X.509, CRLs, OCSP and
 * PKCS#8 use (X.690 §8, DER rules of §10–11), each checking its tag and failing with a PemError
 * that names what was expected. Callers turn that into their own error type (a certificate's is
 * `malformed_certificate`).
 * @module
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { children, oidValue, readTlv, type Tlv } from './der.js';
import { PemError } from './errors.js';

export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  enumerated: 0x0a,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
} as const;

/** A context-specific tag `[n]`: constructed (EXPLICIT, or IMPLICIT over a constructed type) or primitive. */
export const contextTag = (n: number, constructed: boolean): number => (constructed ? 0xa0 : 0x80) | n;

/** The content octets of an element. */
export function contentOf(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  return bytes.subarray(tlv.contentStart, tlv.end);
}

/** The whole encoding (tag, length, content) of an element. */
export function encodingOf(bytes: Uint8Array, tlv: Tlv): Uint8Array {
  return bytes.subarray(tlv.start, tlv.end);
}

/** `tlv` itself when it carries `tag`; otherwise a PemError naming `what`. */
export function expectTag(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (tlv === undefined) throw new PemError(`${what} is missing`);
  if (tlv.tag !== tag)
    throw new PemError(`${what}: expected tag 0x${tag.toString(16)}, found 0x${tlv.tag.toString(16)}`);
  return tlv;
}

/** The elements of a SEQUENCE (or of any constructed element with `tag`). */
export function elementsOf(bytes: Uint8Array, tlv: Tlv | undefined, what: string, tag: number = TAG.sequence): Tlv[] {
  return children(bytes, expectTag(tlv, tag, what));
}

/** Parses `bytes` as exactly one element: nothing may follow it (X.690 §10.1). */
export function readWhole(bytes: Uint8Array, what: string): Tlv {
  const tlv = readTlv(bytes, 0);
  if (tlv.end !== bytes.length) throw new PemError(`${what}: data after the DER element`);
  return tlv;
}

export function oidOf(bytes: Uint8Array, tlv: Tlv | undefined, what: string): string {
  const element = expectTag(tlv, TAG.oid, what);
  if (element.end === element.contentStart) throw new PemError(`${what}: empty OBJECT IDENTIFIER`);
  return oidValue(bytes, element);
}

/** A BOOLEAN (X.690 §8.2; DER §11.1 writes TRUE as 0xff, but any non-zero octet reads as TRUE). */
export function booleanOf(bytes: Uint8Array, tlv: Tlv | undefined, what: string): boolean {
  const element = expectTag(tlv, TAG.boolean, what);
  if (element.end - element.contentStart !== 1) throw new PemError(`${what}: BOOLEAN of other than one octet`);
  return bytes[element.contentStart] !== 0;
}

/** A small non-negative INTEGER (versions, path lengths, counts) as a number. */
export function smallIntegerOf(
  bytes: Uint8Array,
  tlv: Tlv | undefined,
  what: string,
  tag: number = TAG.integer,
): number {
  const element = expectTag(tlv, tag, what);
  const length = element.end - element.contentStart;
  if (length === 0) throw new PemError(`${what}: empty INTEGER`);
  if (length > 6 || ((bytes[element.contentStart] as number) & 0x80) !== 0)
    throw new PemError(`${what}: INTEGER out of range`);
  let value = 0;
  for (let i = element.contentStart; i < element.end; i++) value = value * 256 + (bytes[i] as number);
  return value;
}

/** A BIT STRING: its unused-bits count (X.690 §8.6.2.2) and the octets that hold the bits. */
export function bitStringOf(
  bytes: Uint8Array,
  tlv: Tlv | undefined,
  what: string,
  tag: number = TAG.bitString,
): { readonly unusedBits: number; readonly bits: Uint8Array } {
  const element = expectTag(tlv, tag, what);
  const unusedBits = bytes[element.contentStart];
  if (unusedBits === undefined || unusedBits > 7) throw new PemError(`${what}: malformed BIT STRING`);
  const bits = bytes.subarray(element.contentStart + 1, element.end);
  if (bits.length === 0 && unusedBits !== 0) throw new PemError(`${what}: malformed BIT STRING`);
  return { unusedBits, bits };
}

export function octetsOf(
  bytes: Uint8Array,
  tlv: Tlv | undefined,
  what: string,
  tag: number = TAG.octetString,
): Uint8Array {
  return contentOf(bytes, expectTag(tlv, tag, what));
}

const digits = (text: string, what: string): number => {
  if (!/^\d+$/.test(text)) throw new PemError(`${what}: time with non-digit characters`);
  return Number(text);
};

/**
 * A Time (RFC 5280 §4.1.2.5): UTCTime `YYMMDDHHMMSSZ`, years 50–99 in the 1900s and 00–49 in the
 * 2000s (§4.1.2.5.1), or GeneralizedTime `YYYYMMDDHHMMSS[.fff]Z` (§4.1.2.5.2). Seconds may be left
 * out and fractional seconds are read, as lenient readers do; the zone must be `Z` (UTC).
 */
export function timeOf(bytes: Uint8Array, tlv: Tlv | undefined, what: string): Date {
  if (tlv === undefined) throw new PemError(`${what} is missing`);
  const text = String.fromCharCode(...contentOf(bytes, tlv));
  let match: RegExpMatchArray | null;
  let year: number;
  if (tlv.tag === TAG.utcTime) {
    match = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?Z$/.exec(text);
    if (match === null) throw new PemError(`${what}: malformed UTCTime "${text}"`);
    const yy = digits(match[1] as string, what);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (tlv.tag === TAG.generalizedTime) {
    match = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(?:[.,](\d+))?Z$/.exec(text);
    if (match === null) throw new PemError(`${what}: malformed GeneralizedTime "${text}"`);
    year = digits(match[1] as string, what);
  } else throw new PemError(`${what}: expected UTCTime or GeneralizedTime`);
  const [month, day, hour, minute] = [2, 3, 4, 5].map((i) => digits(match?.[i] as string, what)) as [
    number,
    number,
    number,
    number,
  ];
  const second = match[6] === undefined ? 0 : digits(match[6], what);
  const millis = match[7] === undefined ? 0 : Math.floor(Number(`0.${match[7]}`) * 1000);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    throw new PemError(`${what}: time out of range "${text}"`);
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
}

const LATIN1_STRINGS = new Set([0x12, 0x13, 0x14, 0x15, 0x16, 0x19, 0x1a, 0x1b, 0x1d]);

/**
 * The text of an ASN.1 string: UTF8String as UTF-8, BMPString as UTF-16BE, UniversalString as
 * UTF-32BE, the one-octet types (Printable, IA5, Teletex, Visible, Numeric, ...) octet by octet.
 * Another type (an OCTET STRING in a name, say) reads as `#` and its hex encoding, as RFC 4514 §2.4
 * writes values that have no string form.
 */
export function stringOf(bytes: Uint8Array, tlv: Tlv): string {
  const content = contentOf(bytes, tlv);
  if (tlv.tag === 0x0c) return new TextDecoder().decode(content);
  if (LATIN1_STRINGS.has(tlv.tag)) return String.fromCharCode(...content);
  if (tlv.tag === 0x1e || tlv.tag === 0x1c) {
    const width = tlv.tag === 0x1e ? 2 : 4;
    const points: number[] = [];
    for (let i = 0; i + width <= content.length; i += width) {
      let point = 0;
      for (let j = 0; j < width; j++) point = point * 256 + (content[i + j] as number);
      points.push(point > 0x10ffff ? 0xfffd : point);
    }
    return String.fromCodePoint(...points);
  }
  return `#${bytesToHex(encodingOf(bytes, tlv))}`;
}
