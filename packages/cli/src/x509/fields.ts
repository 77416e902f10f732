/**
 * The parts of an X.509 certificate (RFC 5280 §4.1) that `x509` prints, read from the DER with
 * asn1js so each field keeps its exact encoding (names, serial, key, extensions).
 */
import * as asn1js from 'asn1js';
import type { RawExtension } from './extensions.js';
import { contentBytes, elements, parseDer } from './name.js';

export interface CertificateFields {
  readonly der: Uint8Array;
  /** 1, 2 or 3. */
  readonly version: number;
  /** The serial's content octets (two's complement, RFC 5280 §4.1.2.2). */
  readonly serial: Uint8Array;
  readonly signatureOid: string;
  readonly issuerDer: Uint8Array;
  readonly subjectDer: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly keyAlgorithmOid: string;
  /** The algorithm parameters: a named-curve OID for EC keys. */
  readonly keyParameterOid: string | undefined;
  /** The subjectPublicKey BIT STRING's bytes (without the unused-bits octet). */
  readonly publicKey: Uint8Array;
  readonly extensions: readonly RawExtension[];
  readonly signature: Uint8Array;
}

function oid(node: asn1js.AsnType | undefined): string {
  return node instanceof asn1js.ObjectIdentifier ? node.valueBlock.toString() : '';
}

function der(node: asn1js.AsnType): Uint8Array {
  return new Uint8Array(node.toBER());
}

function time(node: asn1js.AsnType | undefined): Date {
  if (node instanceof asn1js.UTCTime || node instanceof asn1js.GeneralizedTime) return node.toDate();
  throw new Error('malformed certificate: bad validity time');
}

function bitString(node: asn1js.AsnType | undefined): Uint8Array {
  if (!(node instanceof asn1js.BitString)) throw new Error('malformed certificate: expected a BIT STRING');
  // asn1js keeps the unused-bits octet apart: these are the bits' bytes.
  return contentBytes(node);
}

/** Reads a certificate's fields; throws an Error naming what is malformed. */
export function certificateFields(certificateDer: Uint8Array): CertificateFields {
  const [tbs, signatureAlgorithm, signature] = elements(parseDer(certificateDer, 'certificate'));
  if (tbs === undefined || signatureAlgorithm === undefined) throw new Error('malformed certificate: too few fields');
  const parts = elements(tbs);
  let version = 1;
  if (parts[0]?.idBlock.tagClass === 3 && parts[0].idBlock.tagNumber === 0) {
    const [inner] = elements(parts.shift() as asn1js.AsnType);
    version = Number((inner as asn1js.Integer).valueBlock.valueDec) + 1;
  }
  const [serial, , issuer, validity, subject, spki, ...rest] = parts;
  if (
    serial === undefined ||
    issuer === undefined ||
    validity === undefined ||
    subject === undefined ||
    spki === undefined
  )
    throw new Error('malformed certificate: too few TBSCertificate fields');
  const [notBefore, notAfter] = elements(validity);
  const [keyAlgorithm, keyBits] = elements(spki);
  const [keyOid, keyParameter] = elements(keyAlgorithm as asn1js.AsnType);
  const extensionsTag = rest.find((node) => node.idBlock.tagClass === 3 && node.idBlock.tagNumber === 3);
  const extensions = elements(elements(extensionsTag ?? new asn1js.Sequence())[0] ?? new asn1js.Sequence()).map(
    (extension) => {
      const [id, second, third] = elements(extension);
      const critical = second instanceof asn1js.Boolean ? second.valueBlock.value : false;
      const value = second instanceof asn1js.Boolean ? third : second;
      return { oid: oid(id), critical, value: value === undefined ? new Uint8Array() : contentBytes(value) };
    },
  );
  return {
    der: certificateDer,
    version,
    serial: contentBytes(serial),
    signatureOid: oid(elements(signatureAlgorithm)[0]),
    issuerDer: der(issuer),
    subjectDer: der(subject),
    notBefore: time(notBefore),
    notAfter: time(notAfter),
    keyAlgorithmOid: oid(keyOid),
    keyParameterOid: keyParameter instanceof asn1js.ObjectIdentifier ? oid(keyParameter) : undefined,
    publicKey: bitString(keyBits),
    extensions,
    signature: bitString(signature),
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A time as OpenSSL prints certificate dates: `Dec  1 11:55:18 2026 GMT`. */
export function opensslDate(date: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  const clock = `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
  return `${MONTHS[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2, ' ')} ${clock} ${date.getUTCFullYear()} GMT`;
}
