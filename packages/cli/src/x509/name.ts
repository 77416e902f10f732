/**
 * X.501 Names as OpenSSL 3 prints them by default (`-nameopt oneline`): `C = US, O = "Ex, Inc.",
 * CN = localhost`. Scripts parse these lines (`subject=...`), so the rules follow OpenSSL's:
 * RDNs in certificate order joined by `, `, multi-valued RDNs by ` + `, short attribute names,
 * RFC 2253 escaping with quoting (values holding `,+<>;`, or a leading `#`/space, or a trailing
 * space, are quoted; `"` and `\` are backslash-escaped; bytes above 0x7e and control bytes as `\XX`).
 */
import * as asn1js from 'asn1js';

/** Short names OpenSSL uses for attribute types (RFC 4519, RFC 4524, CA/B Forum EV). */
const SHORT_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'street',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'title',
  '2.5.4.13': 'description',
  '2.5.4.15': 'businessCategory',
  '2.5.4.17': 'postalCode',
  '2.5.4.41': 'name',
  '2.5.4.42': 'GN',
  '2.5.4.43': 'initials',
  '2.5.4.44': 'generationQualifier',
  '2.5.4.46': 'dnQualifier',
  '2.5.4.65': 'pseudonym',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.1': 'UID',
  '0.9.2342.19200300.100.1.25': 'DC',
  '1.3.6.1.4.1.311.60.2.1.1': 'jurisdictionL',
  '1.3.6.1.4.1.311.60.2.1.2': 'jurisdictionST',
  '1.3.6.1.4.1.311.60.2.1.3': 'jurisdictionC',
};

/** Parses DER and returns its single top-level element, or throws naming `what`. */
export function parseDer(der: Uint8Array, what: string): asn1js.AsnType {
  const parsed = asn1js.fromBER(der as Uint8Array<ArrayBuffer>);
  if (parsed.offset === -1 || parsed.offset !== der.length)
    throw new Error(`malformed ${what}: ${parsed.result.error}`);
  return parsed.result;
}

/** The children of a constructed element (SEQUENCE, SET, explicit tags). */
export function elements(node: asn1js.AsnType): asn1js.AsnType[] {
  const block = (node as asn1js.Constructed).valueBlock as { value?: unknown };
  return Array.isArray(block.value) ? (block.value as asn1js.AsnType[]) : [];
}

/** The content octets of a primitive element. */
export function contentBytes(node: asn1js.AsnType): Uint8Array {
  return new Uint8Array((node as asn1js.Primitive).valueBlock.valueHexView);
}

/** The value of an attribute as UTF-8 text: BMPString/UniversalString converted, others as bytes. */
function attributeText(value: asn1js.AsnType): { text: string; dump: boolean } {
  if (
    value instanceof asn1js.BmpString ||
    value instanceof asn1js.UniversalString ||
    value instanceof asn1js.Utf8String
  )
    return { text: value.valueBlock.value, dump: false };
  if (
    value instanceof asn1js.PrintableString ||
    value instanceof asn1js.IA5String ||
    value instanceof asn1js.TeletexString ||
    value instanceof asn1js.VisibleString ||
    value instanceof asn1js.NumericString
  ) {
    // One character per byte (ISO 8859-1 for T61String, as OpenSSL treats it).
    return { text: String.fromCharCode(...contentBytes(value)), dump: false };
  }
  // RFC 2253 §2.4: a type OpenSSL does not print as text is dumped as #hex of its DER.
  return { text: `#${toHex(new Uint8Array(value.toBER()))}`, dump: true };
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

/** OpenSSL's ASN1_STRFLGS_RFC2253 | ASN1_STRFLGS_ESC_QUOTE escaping of one value. */
export function escapeValue(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let quote = false;
  let out = '';
  bytes.forEach((byte, i) => {
    const c = String.fromCharCode(byte);
    if (c === '"' || c === '\\') out += `\\${c}`;
    else if (byte < 0x20 || byte > 0x7e) out += `\\${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    else {
      if (',+<>;'.includes(c) || ((c === '#' || c === ' ') && i === 0) || (c === ' ' && i === bytes.length - 1))
        quote = true;
      out += c;
    }
  });
  return quote ? `"${out}"` : out;
}

/** Each RDN of a Name as its `type=value` members, escaped the way OpenSSL escapes them. */
function rdnMembers(der: Uint8Array, separator: string): string[][] {
  return elements(parseDer(der, 'Name')).map((rdn) =>
    elements(rdn).map((attribute) => {
      const [type, value] = elements(attribute);
      const oid = (type as asn1js.ObjectIdentifier).valueBlock.toString();
      const { text, dump } = attributeText(value as asn1js.AsnType);
      return `${SHORT_NAMES[oid] ?? oid}${separator}${dump ? text : escapeValue(text)}`;
    }),
  );
}

/** A Name (RFC 5280 §4.1.2.4) from its DER, as `openssl x509 -subject` prints it. */
export function formatName(der: Uint8Array): string {
  return rdnMembers(der, ' = ')
    .map((members) => members.join(' + '))
    .join(', ');
}

/** The same Name in OpenSSL's `/C=US/O=Ex/CN=x` form (`DirName:` in subjectAltName). */
export function formatNameSlashed(der: Uint8Array): string {
  return rdnMembers(der, '=')
    .map((members) => `/${members.join('+')}`)
    .join('');
}
