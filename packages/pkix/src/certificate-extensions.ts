/**
 * Decoders for the extension values validation relies on (RFC 5280 §4.2.1). Each reads the
 * extnValue's DER strictly and throws a PemError when it does not decode; the certificate parser
 * turns that into `malformed_certificate` (a certificate whose extension cannot be read cannot be
 * validated, RFC 5280 §4.2).
 * @module
 */
import { children, type Tlv } from './der.js';
import {
  bitStringOf,
  booleanOf,
  contextTag,
  elementsOf,
  expectTag,
  octetsOf,
  oidOf,
  readWhole,
  smallIntegerOf,
  TAG,
} from './der-reader.js';
import { PemError } from './errors.js';
import { type GeneralName, generalNameOf, generalNamesOf } from './general-names.js';
import { OID } from './oids.js';

const KEY_USAGE_BITS = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

/** An extension as found in the certificate (RFC 5280 §4.1.2.9). */
export interface CertificateExtension {
  readonly oid: string;
  readonly critical: boolean;
  readonly value: Uint8Array;
}

/** Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension { extnID, critical DEFAULT FALSE, extnValue }. */
export function extensionListOf(der: Uint8Array, list: Tlv | undefined): CertificateExtension[] {
  return elementsOf(der, list, 'extensions').map((extension) => {
    const [id, second, third, more] = elementsOf(der, extension, 'Extension');
    const hasCritical = second?.tag === TAG.boolean;
    const value = hasCritical ? third : second;
    if ((hasCritical ? more : third) !== undefined) throw new PemError('Extension: unexpected field');
    return {
      oid: oidOf(der, id, 'extnID'),
      critical: hasCritical ? booleanOf(der, second, 'critical') : false,
      value: octetsOf(der, value, 'extnValue').slice(),
    };
  });
}

/** One GeneralSubtree (RFC 5280 §4.2.1.10): its base and the minimum / maximum as written. */
export interface GeneralSubtree {
  readonly base: GeneralName;
  readonly minimum: number;
  readonly maximum: number | undefined;
}

export interface DecodedNameConstraints {
  readonly permitted: readonly GeneralSubtree[] | undefined;
  readonly excluded: readonly GeneralSubtree[] | undefined;
}

export interface DecodedAuthorityKeyId {
  readonly keyIdentifier: Uint8Array | undefined;
  readonly namesIssuer: boolean;
}

/** SEQUENCE whose optional fields are context-tagged: each known tag at most once, in order. */
function taggedFields(bytes: Uint8Array, tlv: Tlv, what: string, tags: readonly number[]): Map<number, Tlv> {
  const fields = new Map<number, Tlv>();
  let next = 0;
  for (const field of children(bytes, tlv)) {
    const index = tags.indexOf(field.tag);
    if (index < next) throw new PemError(`${what}: unexpected field (tag 0x${field.tag.toString(16)})`);
    fields.set(field.tag, field);
    next = index + 1;
  }
  return fields;
}

export function subjectAltNameOf(value: Uint8Array): GeneralName[] {
  return generalNamesOf(value, readWhole(value, 'subjectAltName'), 'subjectAltName');
}

export function basicConstraintsOf(value: Uint8Array): { ca: boolean; pathLength: number | undefined } {
  const fields = elementsOf(value, readWhole(value, 'basicConstraints'), 'basicConstraints');
  let ca = false;
  let pathLength: number | undefined;
  let index = 0;
  if (fields[index]?.tag === TAG.boolean) ca = booleanOf(value, fields[index++], 'basicConstraints cA');
  if (fields[index] !== undefined) pathLength = smallIntegerOf(value, fields[index++], 'basicConstraints pathLen');
  if (index !== fields.length) throw new PemError('basicConstraints: unexpected field');
  return { ca, pathLength };
}

/** KeyUsage bits by name (RFC 5280 §4.2.1.3). */
export function keyUsageOf(value: Uint8Array): Set<string> {
  const { bits } = bitStringOf(value, readWhole(value, 'keyUsage'), 'keyUsage');
  const set = new Set<string>();
  KEY_USAGE_BITS.forEach((name, index) => {
    if (((bits[index >> 3] ?? 0) & (0x80 >> (index & 7))) !== 0) set.add(name);
  });
  return set;
}

export function extendedKeyUsageOf(value: Uint8Array): string[] {
  return elementsOf(value, readWhole(value, 'extKeyUsage'), 'extKeyUsage').map((purpose) =>
    oidOf(value, purpose, 'extKeyUsage KeyPurposeId'),
  );
}

export function subjectKeyIdOf(value: Uint8Array): Uint8Array {
  return octetsOf(value, readWhole(value, 'subjectKeyIdentifier'), 'subjectKeyIdentifier').slice();
}

/** AuthorityKeyIdentifier (RFC 5280 §4.2.1.1): keyIdentifier [0], authorityCertIssuer [1], serial [2]. */
export function authorityKeyIdOf(value: Uint8Array): DecodedAuthorityKeyId {
  const what = 'authorityKeyIdentifier';
  const top = expectTag(readWhole(value, what), TAG.sequence, what);
  const fields = taggedFields(value, top, what, [contextTag(0, false), contextTag(1, true), contextTag(2, false)]);
  const keyId = fields.get(contextTag(0, false));
  const issuer = fields.get(contextTag(1, true));
  if (issuer !== undefined) generalNamesOf(value, issuer, what, issuer.tag);
  return {
    keyIdentifier: keyId === undefined ? undefined : octetsOf(value, keyId, what, keyId.tag).slice(),
    namesIssuer: issuer !== undefined || fields.has(contextTag(2, false)),
  };
}

function subtreesOf(value: Uint8Array, tlv: Tlv | undefined, what: string): GeneralSubtree[] | undefined {
  if (tlv === undefined) return undefined;
  return children(value, tlv).map((subtree) => {
    const [base] = elementsOf(value, subtree, what);
    if (base === undefined) throw new PemError(`${what}: GeneralSubtree without a base`);
    const fields = taggedFields(value, { ...subtree, contentStart: base.end }, what, [
      contextTag(0, false),
      contextTag(1, false),
    ]);
    const minimum = fields.get(contextTag(0, false));
    const maximum = fields.get(contextTag(1, false));
    return {
      base: generalNameOf(value, base, what),
      minimum: minimum === undefined ? 0 : smallIntegerOf(value, minimum, what, minimum.tag),
      maximum: maximum === undefined ? undefined : smallIntegerOf(value, maximum, what, maximum.tag),
    };
  });
}

/** NameConstraints (RFC 5280 §4.2.1.10): permittedSubtrees [0], excludedSubtrees [1]. */
export function nameConstraintsValueOf(value: Uint8Array): DecodedNameConstraints {
  const what = 'nameConstraints';
  const top = expectTag(readWhole(value, what), TAG.sequence, what);
  const fields = taggedFields(value, top, what, [contextTag(0, true), contextTag(1, true)]);
  return {
    permitted: subtreesOf(value, fields.get(contextTag(0, true)), what),
    excluded: subtreesOf(value, fields.get(contextTag(1, true)), what),
  };
}

/** certificatePolicies (RFC 5280 §4.2.1.4): SEQUENCE OF PolicyInformation { policyIdentifier, qualifiers }. */
function checkCertificatePolicies(value: Uint8Array): void {
  const what = 'certificatePolicies';
  for (const information of elementsOf(value, readWhole(value, what), what)) {
    const [identifier, qualifiers, extra] = elementsOf(value, information, what);
    oidOf(value, identifier, what);
    if (qualifiers !== undefined) expectTag(qualifiers, TAG.sequence, what);
    if (extra !== undefined) throw new PemError(`${what}: unexpected field`);
  }
}

/** policyConstraints (RFC 5280 §4.2.1.11): requireExplicitPolicy [0], inhibitPolicyMapping [1]. */
function checkPolicyConstraints(value: Uint8Array): void {
  const what = 'policyConstraints';
  const top = expectTag(readWhole(value, what), TAG.sequence, what);
  for (const field of taggedFields(value, top, what, [contextTag(0, false), contextTag(1, false)]).values())
    smallIntegerOf(value, field, what, field.tag);
}

/** authorityInfoAccess (RFC 5280 §4.2.2.1): SEQUENCE OF AccessDescription { accessMethod, accessLocation }. */
function checkAuthorityInfoAccess(value: Uint8Array): void {
  const what = 'authorityInfoAccess';
  for (const description of elementsOf(value, readWhole(value, what), what)) {
    const [method, location, extra] = elementsOf(value, description, what);
    oidOf(value, method, what);
    if (location === undefined || extra !== undefined) throw new PemError(`${what}: malformed AccessDescription`);
    generalNameOf(value, location, what);
  }
}

/** The extensions we decode and rely on, by OID: the label used in messages and the full decoder. */
export const DECODED_EXTENSIONS: Readonly<Record<string, readonly [string, (value: Uint8Array) => unknown]>> = {
  [OID.subjectAltName]: ['subjectAltName', subjectAltNameOf],
  [OID.basicConstraints]: ['basicConstraints', basicConstraintsOf],
  [OID.extKeyUsage]: ['extKeyUsage', extendedKeyUsageOf],
  [OID.authorityKeyIdentifier]: ['authorityKeyIdentifier', authorityKeyIdOf],
  [OID.subjectKeyIdentifier]: ['subjectKeyIdentifier', subjectKeyIdOf],
  [OID.nameConstraints]: ['nameConstraints', nameConstraintsValueOf],
  [OID.certificatePolicies]: ['certificatePolicies', checkCertificatePolicies],
  [OID.policyConstraints]: ['policyConstraints', checkPolicyConstraints],
  [OID.authorityInfoAccess]: ['authorityInfoAccess', checkAuthorityInfoAccess],
  [OID.keyUsage]: ['keyUsage', keyUsageOf],
};
