import type { Tlv } from './der.js';
import { contentOf, elementsOf, encodingOf, TAG } from './der-reader.js';
import { PemError } from './errors.js';

/**
 * One GeneralName (RFC 5280 §4.2.1.6), kept as its CHOICE tag number and element:
 * otherName [0], rfc822Name [1], dNSName [2], x400Address [3], directoryName [4],
 * ediPartyName [5], uniformResourceIdentifier [6], iPAddress [7], registeredID [8].
 */
export interface GeneralName {
  readonly type: number;
  /** rfc822Name, dNSName and URI as text; iPAddress octets; directoryName the Name's DER. */
  readonly text?: string;
  readonly octets?: Uint8Array;
}

/** The CHOICE alternatives that are constructed in the encoding (IMPLICIT over SEQUENCE, or EXPLICIT Name). */
const CONSTRUCTED = new Set([0, 3, 4, 5]);

/** Decodes one GeneralName; an unknown tag or a wrong form is a PemError. */
export function generalNameOf(bytes: Uint8Array, tlv: Tlv, what: string): GeneralName {
  const type = tlv.tag & 0x1f;
  const constructed = (tlv.tag & 0x20) !== 0;
  if ((tlv.tag & 0xc0) !== 0x80 || type > 8 || constructed !== CONSTRUCTED.has(type))
    throw new PemError(`${what}: not a GeneralName (tag 0x${tlv.tag.toString(16)})`);
  if (type === 1 || type === 2 || type === 6) return { type, text: String.fromCharCode(...contentOf(bytes, tlv)) };
  if (type === 7) return { type, octets: contentOf(bytes, tlv).slice() };
  if (type === 4) {
    // directoryName [4] EXPLICIT Name: exactly one RDNSequence inside.
    const [name, extra] = elementsOf(bytes, tlv, what, tlv.tag);
    if (name === undefined || name.tag !== TAG.sequence || extra !== undefined)
      throw new PemError(`${what}: malformed directoryName`);
    return { type, octets: encodingOf(bytes, name).slice() };
  }
  return { type };
}

/** GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName, read from an element with `tag`. */
export function generalNamesOf(bytes: Uint8Array, tlv: Tlv | undefined, what: string, tag: number = TAG.sequence) {
  return elementsOf(bytes, tlv, what, tag).map((name) => generalNameOf(bytes, name, what));
}
