/**
 * X.509 v3 extensions (RFC 5280 §4.2) printed as `openssl x509 -text` / `-ext` print them: a
 * `X509v3 Name: critical` header and the value indented below it. The extensions TLS certificates
 * carry are decoded; any other is shown as OpenSSL shows an extension it has no printer for
 * (its DER in hex).
 */
import type * as asn1js from 'asn1js';
import { contentBytes, elements, formatNameSlashed, parseDer } from './name.js';

/** One extension as found in the certificate. */
export interface RawExtension {
  readonly oid: string;
  readonly critical: boolean;
  readonly value: Uint8Array;
}

interface ExtensionKind {
  /** OpenSSL's `-ext` name. */
  readonly short: string;
  /** OpenSSL's long name, printed in headers. */
  readonly long: string;
  readonly print?: (value: Uint8Array) => string[];
}

const KEY_USAGE = [
  'Digital Signature',
  'Non Repudiation',
  'Key Encipherment',
  'Data Encipherment',
  'Key Agreement',
  'Certificate Sign',
  'CRL Sign',
  'Encipher Only',
  'Decipher Only',
];

const KEY_PURPOSES: Readonly<Record<string, string>> = {
  '1.3.6.1.5.5.7.3.1': 'TLS Web Server Authentication',
  '1.3.6.1.5.5.7.3.2': 'TLS Web Client Authentication',
  '1.3.6.1.5.5.7.3.3': 'Code Signing',
  '1.3.6.1.5.5.7.3.4': 'E-mail Protection',
  '1.3.6.1.5.5.7.3.8': 'Time Stamping',
  '1.3.6.1.5.5.7.3.9': 'OCSP Signing',
  '2.5.29.37.0': 'Any Extended Key Usage',
};

/** Colon-separated upper-case hex, as OpenSSL prints key identifiers and fingerprints. */
export function colonHex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(':');
}

function oidOf(node: asn1js.AsnType): string {
  return (node as asn1js.ObjectIdentifier).valueBlock.toString();
}

/** An iPAddress GeneralName: dotted IPv4, or eight upper-case hex groups without zero compression. */
function ipText(bytes: Uint8Array): string {
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2)
      groups.push((((bytes[i] as number) << 8) | (bytes[i + 1] as number)).toString(16).toUpperCase());
    return groups.join(':');
  }
  return '<invalid>';
}

/** One GeneralName (RFC 5280 §4.2.1.6), tagged [0]..[8], as OpenSSL's GENERAL_NAME_print. */
function generalName(node: asn1js.AsnType): string {
  const tag = node.idBlock.tagNumber;
  const text = (): string => new TextDecoder().decode(contentBytes(node));
  switch (tag) {
    case 1:
      return `email:${text()}`;
    case 2:
      return `DNS:${text()}`;
    case 4: {
      const [name] = elements(node);
      return `DirName:${name === undefined ? '' : formatNameSlashed(new Uint8Array(name.toBER()))}`;
    }
    case 6:
      return `URI:${text()}`;
    case 7:
      return `IP Address:${ipText(contentBytes(node))}`;
    case 8:
      return 'Registered ID:<unsupported>';
    default:
      return 'othername:<unsupported>';
  }
}

function generalNames(value: Uint8Array): string[] {
  return [elements(parseDer(value, 'GeneralNames')).map(generalName).join(', ')];
}

function basicConstraints(value: Uint8Array): string[] {
  let ca = false;
  let pathLength: string | undefined;
  for (const item of elements(parseDer(value, 'BasicConstraints'))) {
    if (item.idBlock.tagNumber === 1) ca = (item as asn1js.Boolean).valueBlock.value;
    else if (item.idBlock.tagNumber === 2) pathLength = (item as asn1js.Integer).valueBlock.valueDec.toString();
  }
  return [`CA:${ca ? 'TRUE' : 'FALSE'}${pathLength === undefined ? '' : `, pathlen:${pathLength}`}`];
}

function keyUsage(value: Uint8Array): string[] {
  const bits = contentBytes(parseDer(value, 'KeyUsage'));
  return [KEY_USAGE.filter((_, i) => ((bits[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0).join(', ')];
}

function extendedKeyUsage(value: Uint8Array): string[] {
  return [
    elements(parseDer(value, 'ExtKeyUsage'))
      .map((purpose) => KEY_PURPOSES[oidOf(purpose)] ?? oidOf(purpose))
      .join(', '),
  ];
}

function subjectKeyId(value: Uint8Array): string[] {
  return [colonHex(contentBytes(parseDer(value, 'SubjectKeyIdentifier')))];
}

function authorityKeyId(value: Uint8Array): string[] {
  const lines: string[] = [];
  for (const item of elements(parseDer(value, 'AuthorityKeyIdentifier'))) {
    if (item.idBlock.tagNumber === 0) lines.push(colonHex(contentBytes(item)));
    else if (item.idBlock.tagNumber === 1) lines.push(elements(item).map(generalName).join(', '));
    else if (item.idBlock.tagNumber === 2) lines.push(`serial:${colonHex(contentBytes(item))}`);
  }
  return lines;
}

/** The extensions this printer knows, by OID. */
const KINDS: Readonly<Record<string, ExtensionKind>> = {
  '2.5.29.14': { short: 'subjectKeyIdentifier', long: 'X509v3 Subject Key Identifier', print: subjectKeyId },
  '2.5.29.15': { short: 'keyUsage', long: 'X509v3 Key Usage', print: keyUsage },
  '2.5.29.17': { short: 'subjectAltName', long: 'X509v3 Subject Alternative Name', print: generalNames },
  '2.5.29.18': { short: 'issuerAltName', long: 'X509v3 Issuer Alternative Name', print: generalNames },
  '2.5.29.19': { short: 'basicConstraints', long: 'X509v3 Basic Constraints', print: basicConstraints },
  '2.5.29.35': { short: 'authorityKeyIdentifier', long: 'X509v3 Authority Key Identifier', print: authorityKeyId },
  '2.5.29.37': { short: 'extendedKeyUsage', long: 'X509v3 Extended Key Usage', print: extendedKeyUsage },
  '2.5.29.31': { short: 'crlDistributionPoints', long: 'X509v3 CRL Distribution Points' },
  '2.5.29.32': { short: 'certificatePolicies', long: 'X509v3 Certificate Policies' },
  '1.3.6.1.5.5.7.1.1': { short: 'authorityInfoAccess', long: 'Authority Information Access' },
  '1.3.6.1.4.1.11129.2.4.2': { short: 'ct_precert_scts', long: 'CT Precertificate SCTs' },
};

/** The OID of an `-ext` name (OpenSSL's short names), or undefined when unknown. */
export function extensionOid(short: string): string | undefined {
  return Object.entries(KINDS).find(([, kind]) => kind.short === short)?.[0];
}

/**
 * One extension as OpenSSL prints it: the header line and the value lines, each indented by
 * `indent` (+4 for values). A value that fails to decode is shown in hex, never thrown.
 */
export function printExtension(extension: RawExtension, indent: number): string[] {
  const kind = KINDS[extension.oid];
  const pad = ' '.repeat(indent);
  const header = `${pad}${kind?.long ?? extension.oid}: ${extension.critical ? 'critical' : ''}`;
  let body: string[];
  try {
    body = kind?.print === undefined ? hexDump(extension.value) : kind.print(extension.value);
  } catch {
    body = hexDump(extension.value);
  }
  return [header, ...body.map((line) => `${pad}    ${line}`)];
}

/** Bytes as OpenSSL dumps an unknown extension: `0000 - 30 0a ...`-free, plain hex lines. */
function hexDump(bytes: Uint8Array): string[] {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) lines.push(colonHex(bytes.subarray(i, i + 16)));
  return lines.length === 0 ? [''] : lines;
}
