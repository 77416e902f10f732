import { concatBytes } from '@noble/hashes/utils.js';
import { type CryptoProvider, nobleProvider } from '@sslsocket/suites';
import { children, compareBytes, encodeTlv, readTlv } from './der.js';

// String types OpenSSL canonicalizes (ASN1_MASK_CANON in crypto/x509/x_name.c); other value types
// (e.g. OCTET STRING, numeric strings) are hashed exactly as encoded.
const UTF8_STRING = 0x0c;
const PRINTABLE_STRING = 0x13;
const T61_STRING = 0x14;
const IA5_STRING = 0x16;
const VISIBLE_STRING = 0x1a;
const UNIVERSAL_STRING = 0x1c;
const BMP_STRING = 0x1e;
const CANONICAL_TYPES = new Set([
  UTF8_STRING,
  PRINTABLE_STRING,
  T61_STRING,
  IA5_STRING,
  VISIBLE_STRING,
  UNIVERSAL_STRING,
  BMP_STRING,
]);

/** The string's characters as UTF-8, decoding the one- two- and four-byte ASN.1 string types. */
function toUtf8(tag: number, content: Uint8Array): Uint8Array {
  if (tag === UTF8_STRING) return content;
  const codePoints: number[] = [];
  if (tag === BMP_STRING)
    for (let i = 0; i + 1 < content.length; i += 2)
      codePoints.push(((content[i] as number) << 8) | (content[i + 1] as number));
  else if (tag === UNIVERSAL_STRING)
    for (let i = 0; i + 3 < content.length; i += 4)
      codePoints.push(
        ((content[i] as number) << 24) |
          ((content[i + 1] as number) << 16) |
          ((content[i + 2] as number) << 8) |
          (content[i + 3] as number),
      );
  // Printable, IA5, Visible and T61 strings are one byte per character (T61 read as Latin-1, as OpenSSL does).
  else codePoints.push(...content);
  return new TextEncoder().encode(String.fromCodePoint(...codePoints.map((cp) => (cp > 0x10ffff ? 0xfffd : cp))));
}

const isSpace = (byte: number): boolean => byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);

/**
 * OpenSSL's asn1_string_canon: trim leading and trailing white space, collapse inner runs to one
 * space, lower-case ASCII letters, leave non-ASCII bytes alone.
 */
function canonicalText(utf8: Uint8Array): Uint8Array {
  let from = 0;
  let to = utf8.length;
  while (from < to && isSpace(utf8[from] as number)) from++;
  while (to > from && isSpace(utf8[to - 1] as number)) to--;
  const out: number[] = [];
  for (let i = from; i < to; ) {
    const byte = utf8[i] as number;
    if (byte >= 0x80) {
      out.push(byte);
      i++;
    } else if (isSpace(byte)) {
      out.push(0x20);
      while (i < to && isSpace(utf8[i] as number)) i++;
    } else {
      out.push(byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte);
      i++;
    }
  }
  return new Uint8Array(out);
}

/**
 * The canonical encoding OpenSSL hashes for a Name (x509_name_canon): every RDN SET re-encoded with
 * its string values canonicalized as UTF8String, concatenated without the outer SEQUENCE header.
 */
export function canonicalNameEncoding(nameDer: Uint8Array): Uint8Array {
  const name = readTlv(nameDer, 0);
  const sets = children(nameDer, name).map((rdn) => {
    const entries = children(nameDer, rdn).map((attribute) => {
      const [type, value] = children(nameDer, attribute);
      if (type === undefined || value === undefined) return nameDer.subarray(attribute.start, attribute.end);
      const typeBytes = nameDer.subarray(type.start, type.end);
      if (!CANONICAL_TYPES.has(value.tag)) return encodeTlv(0x30, nameDer.subarray(type.start, value.end));
      const text = canonicalText(toUtf8(value.tag, nameDer.subarray(value.contentStart, value.end)));
      return encodeTlv(0x30, concatBytes(typeBytes, encodeTlv(UTF8_STRING, text)));
    });
    return encodeTlv(0x31, concatBytes(...entries.sort(compareBytes)));
  });
  return concatBytes(...sets);
}

/**
 * OpenSSL's X509_NAME_hash (the `c_rehash` file name stem): the first four bytes of SHA-1 over the
 * canonical name encoding, read little-endian, as eight lower-case hex digits.
 *
 * @example
 * nameHash(certificate.subjectDer); // '9d66eef0' — as `openssl x509 -hash -noout` prints
 */
export function nameHash(nameDer: Uint8Array, provider: CryptoProvider = nobleProvider): string {
  const digest = provider.digest('SHA-1', canonicalNameEncoding(nameDer));
  const value =
    ((digest[0] as number) |
      ((digest[1] as number) << 8) |
      ((digest[2] as number) << 16) |
      ((digest[3] as number) << 24)) >>>
    0;
  return value.toString(16).padStart(8, '0');
}
