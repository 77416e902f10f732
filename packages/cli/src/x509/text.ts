/**
 * `openssl x509 -text`: the certificate laid out as OpenSSL 3 prints it. The lines scripts read
 * (Serial Number, Issuer, Not Before/After, Subject, Public-Key size, the extensions) follow
 * OpenSSL's layout exactly; algorithms it names are spelled as OpenSSL spells them.
 */
import { colonHex, printExtension } from './extensions.js';
import { type CertificateFields, opensslDate } from './fields.js';
import { contentBytes, elements, formatName, parseDer } from './name.js';

const ALGORITHMS: Readonly<Record<string, string>> = {
  '1.2.840.10045.2.1': 'id-ecPublicKey',
  '1.2.840.113549.1.1.1': 'rsaEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.3.101.112': 'ED25519',
  '1.3.101.113': 'ED448',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
};

/** Named curves: OpenSSL's ASN1 OID name and NIST name. */
const CURVES: Readonly<Record<string, { asn1: string; nist?: string; bits: number }>> = {
  '1.2.840.10045.3.1.7': { asn1: 'prime256v1', nist: 'P-256', bits: 256 },
  '1.3.132.0.34': { asn1: 'secp384r1', nist: 'P-384', bits: 384 },
  '1.3.132.0.35': { asn1: 'secp521r1', nist: 'P-521', bits: 521 },
  '1.3.132.0.10': { asn1: 'secp256k1', bits: 256 },
};

/** OpenSSL's name for a key or signature algorithm OID (the OID itself when unknown). */
export function algorithmName(oid: string): string {
  return ALGORITHMS[oid] ?? oid;
}

/** The size of the certificate's public key in bits, as OpenSSL reports it (`Public-Key: (N bit)`). */
export function publicKeyBits(fields: CertificateFields): number {
  switch (fields.keyAlgorithmOid) {
    case '1.2.840.10045.2.1':
      return CURVES[fields.keyParameterOid ?? '']?.bits ?? (fields.publicKey.length - 1) * 4;
    case '1.2.840.113549.1.1.1':
    case '1.2.840.113549.1.1.10': {
      const [n] = elements(parseDer(fields.publicKey, 'RSAPublicKey'));
      return n === undefined ? 0 : bitLength(contentBytes(n));
    }
    case '1.3.101.112':
      return 253;
    case '1.3.101.113':
      return 456;
    default:
      return fields.publicKey.length * 8;
  }
}

/** Bytes in OpenSSL's indented hex blocks: `n` per line, `:` after every byte but the last. */
function hexBlock(bytes: Uint8Array, perLine: number, indent: number): string[] {
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0'));
  const lines: string[] = [];
  for (let i = 0; i < hex.length; i += perLine) {
    const last = i + perLine >= hex.length;
    lines.push(`${' '.repeat(indent)}${hex.slice(i, i + perLine).join(':')}${last ? '' : ':'}`);
  }
  return lines;
}

function serialLines(serial: Uint8Array): string[] {
  const negative = ((serial[0] ?? 0) & 0x80) !== 0;
  // OpenSSL prints serials that fit a long in decimal and hex, longer ones as colon hex.
  if (serial.length <= 8 && !negative) {
    const value = serial.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
    return [`        Serial Number: ${value} (0x${value.toString(16)})`];
  }
  return ['        Serial Number:', `            ${colonHex(serial).toLowerCase()}`];
}

/** Bits in an unsigned big-endian magnitude (leading zero bytes ignored). */
function bitLength(bytes: Uint8Array): number {
  const first = bytes.findIndex((b) => b !== 0);
  if (first === -1) return 0;
  return (bytes.length - first) * 8 - (Math.clz32(bytes[first] as number) - 24);
}

function publicKeyLines(fields: CertificateFields): string[] {
  const pad = ' '.repeat(16);
  const key = fields.publicKey;
  switch (fields.keyAlgorithmOid) {
    case '1.2.840.10045.2.1': {
      const curve = CURVES[fields.keyParameterOid ?? ''];
      return [
        `${pad}Public-Key: (${publicKeyBits(fields)} bit)`,
        `${pad}pub:`,
        ...hexBlock(key, 15, 20),
        `${pad}ASN1 OID: ${curve?.asn1 ?? fields.keyParameterOid}`,
        ...(curve?.nist === undefined ? [] : [`${pad}NIST CURVE: ${curve.nist}`]),
      ];
    }
    case '1.2.840.113549.1.1.1':
    case '1.2.840.113549.1.1.10': {
      // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 §A.1.1)
      const [n, e] = elements(parseDer(key, 'RSAPublicKey'));
      const modulus = n === undefined ? new Uint8Array() : contentBytes(n);
      const exponent = (e === undefined ? new Uint8Array() : contentBytes(e)).reduce(
        (acc, b) => (acc << 8n) | BigInt(b),
        0n,
      );
      return [
        `${pad}Public-Key: (${publicKeyBits(fields)} bit)`,
        `${pad}Modulus:`,
        ...hexBlock(modulus, 15, 20),
        `${pad}Exponent: ${exponent} (0x${exponent.toString(16)})`,
      ];
    }
    case '1.3.101.112':
    case '1.3.101.113':
      return [`${pad}${ALGORITHMS[fields.keyAlgorithmOid]} Public-Key:`, `${pad}pub:`, ...hexBlock(key, 15, 20)];
    default:
      return [`${pad}Unable to load Public Key`];
  }
}

/** The whole `-text` block, ending with a newline. */
export function certificateText(fields: CertificateFields): string {
  const algorithm = algorithmName;
  const lines = [
    'Certificate:',
    '    Data:',
    `        Version: ${fields.version} (0x${(fields.version - 1).toString(16)})`,
    ...serialLines(fields.serial),
    `        Signature Algorithm: ${algorithm(fields.signatureOid)}`,
    `        Issuer: ${formatName(fields.issuerDer)}`,
    '        Validity',
    `            Not Before: ${opensslDate(fields.notBefore)}`,
    `            Not After : ${opensslDate(fields.notAfter)}`,
    `        Subject: ${formatName(fields.subjectDer)}`,
    '        Subject Public Key Info:',
    `            Public Key Algorithm: ${algorithm(fields.keyAlgorithmOid)}`,
    ...publicKeyLines(fields),
  ];
  if (fields.extensions.length > 0) {
    lines.push('        X509v3 extensions:');
    for (const extension of fields.extensions) lines.push(...printExtension(extension, 12));
  }
  lines.push(
    `    Signature Algorithm: ${algorithm(fields.signatureOid)}`,
    '    Signature Value:',
    ...hexBlock(fields.signature, 18, 8),
  );
  return `${lines.join('\n')}\n`;
}
