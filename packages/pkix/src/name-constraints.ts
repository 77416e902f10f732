import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { ipToString, type ParsedCertificate } from './certificate.js';
import { bytesOf } from './keys.js';
import { OID } from './oids.js';

interface Subtrees {
  readonly dns: string[];
  readonly email: string[];
  readonly ip: { address: Uint8Array; mask: Uint8Array }[];
  readonly directory: Uint8Array[];
}

/** Name constraints of one CA (RFC 5280 §4.2.1.10), or undefined when it has none. */
export interface NameConstraints {
  readonly permitted: Subtrees | undefined;
  readonly excluded: Subtrees;
}

function collect(subtrees: pkijs.GeneralSubtree[] | undefined): Subtrees | undefined {
  if (subtrees === undefined) return undefined;
  const out: Subtrees = { dns: [], email: [], ip: [], directory: [] };
  for (const subtree of subtrees) {
    const name = subtree.base;
    if (name.type === 2) out.dns.push(String(name.value).toLowerCase());
    else if (name.type === 1) out.email.push(String(name.value).toLowerCase());
    else if (name.type === 7) {
      const bytes = bytesOf((name.value as asn1js.OctetString).valueBlock.valueHexView);
      const half = bytes.length / 2;
      out.ip.push({ address: bytes.subarray(0, half), mask: bytes.subarray(half) });
    } else if (name.type === 4)
      out.directory.push(bytesOf((name.value as pkijs.RelativeDistinguishedNames).toSchema().toBER()));
  }
  return out;
}

export function nameConstraintsOf(certificate: ParsedCertificate): NameConstraints | undefined {
  const extension = certificate.raw.extensions?.find((e) => e.extnID === OID.nameConstraints);
  if (extension === undefined) return undefined;
  const value = extension.parsedValue as pkijs.NameConstraints;
  return {
    permitted: collect(value.permittedSubtrees),
    excluded: collect(value.excludedSubtrees) ?? { dns: [], email: [], ip: [], directory: [] },
  };
}

/** RFC 5280 §4.2.1.10: a DNS constraint matches the name itself and every subdomain. */
function dnsWithin(name: string, constraint: string): boolean {
  const n = name.toLowerCase().replace(/^\*\./, '');
  const c = constraint.replace(/^\./, '');
  return n === c || n.endsWith(`.${c}`);
}

function emailWithin(email: string, constraint: string): boolean {
  const e = email.toLowerCase();
  if (constraint.includes('@')) return e === constraint;
  const host = e.slice(e.indexOf('@') + 1);
  return constraint.startsWith('.') ? host.endsWith(constraint) : host === constraint;
}

function ipBytes(text: string): Uint8Array {
  if (text.includes('.')) return new Uint8Array(text.split('.').map(Number));
  const out = new Uint8Array(16);
  text.split(':').forEach((group, i) => {
    const value = Number.parseInt(group, 16);
    out[i * 2] = value >> 8;
    out[i * 2 + 1] = value & 0xff;
  });
  return out;
}

function ipWithin(ip: string, constraint: { address: Uint8Array; mask: Uint8Array }): boolean {
  const bytes = ipBytes(ip);
  if (bytes.length !== constraint.address.length) return false;
  return bytes.every(
    (byte, i) =>
      (byte & (constraint.mask[i] as number)) === ((constraint.address[i] as number) & (constraint.mask[i] as number)),
  );
}

/** DER Name prefix: the subject's RDN sequence starts with the constraint's RDNs. */
function directoryWithin(subject: Uint8Array, constraint: Uint8Array): boolean {
  const parse = (der: Uint8Array) =>
    new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(der as Uint8Array<ArrayBuffer>).result });
  const s = parse(subject).typesAndValues;
  const c = parse(constraint).typesAndValues;
  return c.length <= s.length && c.every((attribute, i) => s[i]?.isEqual(attribute) === true);
}

/** The first name of `certificate` that violates `constraints`, or undefined. */
export function violatesNameConstraints(
  certificate: ParsedCertificate,
  constraints: NameConstraints,
): string | undefined {
  const check = <T>(
    values: readonly T[],
    permitted: readonly string[] | undefined,
    excluded: readonly string[],
    within: (v: T, c: string) => boolean,
    label: (v: T) => string,
  ) => {
    for (const value of values) {
      if (excluded.some((c) => within(value, c))) return label(value);
      if (permitted !== undefined && permitted.length > 0 && !permitted.some((c) => within(value, c)))
        return label(value);
    }
    return undefined;
  };
  const { permitted, excluded } = constraints;
  const dns = check(certificate.dnsNames, permitted?.dns, excluded.dns, dnsWithin, (v) => `DNS:${v}`);
  if (dns !== undefined) return dns;
  const email = check(certificate.emails, permitted?.email, excluded.email, emailWithin, (v) => `email:${v}`);
  if (email !== undefined) return email;
  for (const ip of certificate.ipAddresses) {
    if (excluded.ip.some((c) => ipWithin(ip, c))) return `IP:${ip}`;
    if (permitted !== undefined && permitted.ip.length > 0 && !permitted.ip.some((c) => ipWithin(ip, c)))
      return `IP:${ip}`;
  }
  if (certificate.subjectDer.length > 2) {
    if (excluded.directory.some((c) => directoryWithin(certificate.subjectDer, c)))
      return `DirName:${certificate.subject}`;
    if (
      permitted !== undefined &&
      permitted.directory.length > 0 &&
      !permitted.directory.some((c) => directoryWithin(certificate.subjectDer, c))
    ) {
      return `DirName:${certificate.subject}`;
    }
  }
  void ipToString;
  return undefined;
}
