import type { Tlv } from './der.js';
import { elementsOf, encodingOf, oidOf, readWhole, stringOf, TAG } from './der-reader.js';
import { PemError } from './errors.js';

/** One AttributeTypeAndValue of a Name (RFC 5280 §4.1.2.4), in the order the RDNs list them. */
export interface NameAttribute {
  readonly type: string;
  /** The value as text (see stringOf). */
  readonly text: string;
  /** The value is one of the ASN.1 string types. */
  readonly isString: boolean;
  /** The value's whole DER encoding. */
  readonly encoding: Uint8Array;
}

const STRING_TAGS = new Set([0x0c, 0x12, 0x13, 0x14, 0x15, 0x16, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e]);

const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

/** The attributes of a Name element (RDNSequence ::= SEQUENCE OF SET OF AttributeTypeAndValue). */
export function nameAttributesOf(bytes: Uint8Array, name: Tlv): NameAttribute[] {
  const out: NameAttribute[] = [];
  for (const rdn of elementsOf(bytes, name, 'Name'))
    for (const attribute of elementsOf(bytes, rdn, 'RelativeDistinguishedName', TAG.set)) {
      const [type, value, extra] = elementsOf(bytes, attribute, 'AttributeTypeAndValue');
      const oid = oidOf(bytes, type, 'AttributeType');
      if (value === undefined || extra !== undefined) throw new PemError('malformed AttributeTypeAndValue');
      out.push({
        type: oid,
        text: stringOf(bytes, value),
        isString: STRING_TAGS.has(value.tag),
        encoding: encodingOf(bytes, value),
      });
    }
  return out;
}

/** The attributes of a Name given as its own DER. */
export function nameAttributesOfDer(der: Uint8Array): NameAttribute[] {
  return nameAttributesOf(der, readWhole(der, 'Name'));
}

/** A readable form such as `CN=example.com, O=Example`. */
export function nameToString(attributes: readonly NameAttribute[]): string {
  return attributes.map((a) => `${ATTRIBUTE_NAMES[a.type] ?? a.type}=${a.text}`).join(', ');
}

/** RFC 4518-style preparation, as far as comparing names needs: trim, one space for runs, lower case. */
function prepared(text: string): string {
  return text.trim().replace(/ +/g, ' ').toLowerCase();
}

/**
 * Two attributes are the same (RFC 5280 §7.1): equal types, and string values equal after
 * preparation (case and white space insensitive) or other values equal octet for octet.
 */
export function sameAttribute(a: NameAttribute, b: NameAttribute): boolean {
  if (a.type !== b.type || a.isString !== b.isString) return false;
  if (a.isString) return prepared(a.text) === prepared(b.text);
  return a.encoding.length === b.encoding.length && a.encoding.every((byte, i) => byte === b.encoding[i]);
}
