import type { ParsedCertificate } from './certificate.js';
import type { GeneralSubtree } from './certificate-extensions.js';
import { canonicalDns, isValidDnsName } from './dns-name.js';
import { CertificateError } from './errors.js';
import { nameAttributesOfDer, sameAttribute } from './names.js';

/** GeneralName CHOICE tags (RFC 5280 §4.2.1.6) that constraints are checked for. */
const RFC822 = 1;
const DNS = 2;
const DIRECTORY = 4;
const IP = 7;

/** One GeneralSubtree's base, decoded for the name forms we check; `type` alone for the others. */
interface Subtree {
  readonly type: number;
  readonly text?: string;
  readonly ip?: { readonly address: Uint8Array; readonly mask: Uint8Array };
  readonly directory?: Uint8Array;
}

/** Name constraints of one CA (RFC 5280 §4.2.1.10). `permitted` undefined means no permitted subtrees. */
export interface NameConstraints {
  readonly permitted: readonly Subtree[] | undefined;
  readonly excluded: readonly Subtree[];
}

const invalid = (certificate: ParsedCertificate, message: string) =>
  new CertificateError('invalid_name_constraints', `${certificate.subject}: ${message}`);

/** An IP constraint's mask must be a prefix: ones, then zeros (RFC 4632 §3.1 CIDR form). */
function isPrefixMask(mask: Uint8Array): boolean {
  let zeros = false;
  for (const byte of mask)
    for (let bit = 7; bit >= 0; bit--) {
      const one = (byte >> bit) & 1;
      if (one && zeros) return false;
      if (!one) zeros = true;
    }
  return true;
}

function subtreesOf(
  certificate: ParsedCertificate,
  subtrees: readonly GeneralSubtree[] | undefined,
): Subtree[] | undefined {
  if (subtrees === undefined) return undefined;
  // RFC 5280 §4.2.1.10: permittedSubtrees / excludedSubtrees are SEQUENCE SIZE (1..MAX).
  if (subtrees.length === 0) throw invalid(certificate, 'nameConstraints with an empty subtree sequence');
  return subtrees.map((subtree) => {
    // "the minimum MUST be zero, and maximum MUST be absent".
    if (subtree.minimum !== 0 || subtree.maximum !== undefined)
      throw invalid(certificate, 'nameConstraints subtree with minimum or maximum');
    const name = subtree.base;
    if (name.type === DNS) {
      const text = canonicalDns(name.text as string);
      // A dNSName constraint is a host name ("host.example.com"); a leading period or any other
      // non-LDH text is not a name and cannot be matched safely. Empty means every name.
      if (text !== '' && !isValidDnsName(text))
        throw invalid(certificate, `dNSName constraint "${text}" is not a valid name`);
      return { type: DNS, text };
    }
    if (name.type === RFC822) return { type: RFC822, text: (name.text as string).toLowerCase() };
    if (name.type === IP) {
      const bytes = name.octets as Uint8Array;
      if (bytes.length !== 8 && bytes.length !== 32)
        throw invalid(certificate, `iPAddress constraint of ${bytes.length} octets`);
      const half = bytes.length / 2;
      const mask = bytes.subarray(half);
      if (!isPrefixMask(mask)) throw invalid(certificate, 'iPAddress constraint mask is not a prefix');
      return { type: IP, ip: { address: bytes.subarray(0, half), mask } };
    }
    if (name.type === DIRECTORY) return { type: DIRECTORY, directory: name.octets as Uint8Array };
    return { type: name.type };
  });
}

/** The certificate's name constraints, undefined without the extension; invalid ones throw. */
export function nameConstraintsOf(certificate: ParsedCertificate): NameConstraints | undefined {
  const value = certificate.nameConstraints;
  if (value === undefined) return undefined;
  const permitted = subtreesOf(certificate, value.permitted);
  const excluded = subtreesOf(certificate, value.excluded);
  // "Conforming CAs MUST NOT issue certificates where name constraints is an empty sequence."
  if (permitted === undefined && excluded === undefined)
    throw invalid(certificate, 'nameConstraints with neither permitted nor excluded subtrees');
  return { permitted, excluded: excluded ?? [] };
}

/** RFC 5280 §4.2.1.10: a DNS constraint matches the name itself and every name below it. */
function dnsWithin(name: string, constraint: string): boolean {
  return constraint === '' || name === constraint || name.endsWith(`.${constraint}`);
}

/**
 * A wildcard `*.base` stands for the set of names one label below `base`. The whole set is inside a
 * permitted subtree only if `base` is; it meets an excluded subtree if `base` is inside it or the
 * subtree lies inside the set's reach (a constraint `x.base` or below).
 */
function dnsAllWithin(name: string, constraint: string): boolean {
  return name.startsWith('*.') ? dnsWithin(name.slice(2), constraint) : dnsWithin(name, constraint);
}
function dnsSomeWithin(name: string, constraint: string): boolean {
  if (!name.startsWith('*.')) return dnsWithin(name, constraint);
  const base = name.slice(2);
  return dnsWithin(base, constraint) || constraint.endsWith(`.${base}`);
}

function emailWithin(email: string, constraint: string): boolean {
  const e = email.toLowerCase();
  if (constraint.includes('@')) return e === constraint;
  const host = e.slice(e.lastIndexOf('@') + 1);
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
  const s = nameAttributesOfDer(subject);
  const c = nameAttributesOfDer(constraint);
  return c.length <= s.length && c.every((attribute, i) => s[i] !== undefined && sameAttribute(s[i], attribute));
}

/** The names of a certificate that constraints apply to, by GeneralName type. */
interface ConstrainedName {
  readonly type: number;
  readonly value: string;
  /** For DNS: the wildcard-aware "whole set within" and "some member within" tests. */
  readonly all: (subtree: Subtree) => boolean;
  readonly some: (subtree: Subtree) => boolean;
}

/**
 * Every name of `certificate` name constraints apply to (RFC 5280 §4.2.1.10, §6.1.3 (b)–(c)): each
 * SAN of a checked type, the subject's emailAddress attributes as rfc822Names, the subject DN as a
 * directoryName, and, for a leaf, each CN that is a DNS name (as Go and rustls-webpki do: a CN
 * that a legacy client would read as a host name must not escape the constraints).
 */
function constrainedNames(certificate: ParsedCertificate, isLeaf: boolean): ConstrainedName[] {
  const out: ConstrainedName[] = [];
  const dns = (value: string) => {
    const name = canonicalDns(value);
    const usable = isValidDnsName(name, true);
    out.push({
      type: DNS,
      value: `DNS:${value}`,
      // A DNS name that is not a valid name cannot be placed inside or outside any subtree: it
      // fails every permitted subtree and meets every excluded one.
      all: (s) => usable && dnsAllWithin(name, s.text as string),
      some: (s) => !usable || dnsSomeWithin(name, s.text as string),
    });
  };
  for (const name of certificate.dnsNames) dns(name);
  if (isLeaf) for (const cn of certificate.commonNames) if (cn.includes('.') && isValidDnsName(cn, true)) dns(cn);
  for (const email of [...certificate.emails, ...certificate.subjectEmails]) {
    const test = (s: Subtree) => emailWithin(email, s.text as string);
    out.push({ type: RFC822, value: `email:${email}`, all: test, some: test });
  }
  for (const ip of certificate.ipAddresses) {
    const test = (s: Subtree) => ipWithin(ip, s.ip as { address: Uint8Array; mask: Uint8Array });
    out.push({ type: IP, value: `IP:${ip}`, all: test, some: test });
  }
  if (certificate.subjectDer.length > 2) {
    const test = (s: Subtree) => directoryWithin(certificate.subjectDer, s.directory as Uint8Array);
    out.push({ type: DIRECTORY, value: `DirName:${certificate.subject}`, all: test, some: test });
  }
  return out;
}

/** Counts name × constraint comparisons across a path and stops at the limit. */
export class ConstraintBudget {
  private used = 0;
  constructor(readonly limit: number) {}
  spend(certificate: ParsedCertificate, count: number): void {
    this.used += count;
    if (this.used > this.limit)
      throw new CertificateError(
        'name_constraints_too_complex',
        `${certificate.subject}: checking names against name constraints needs more than ${this.limit} comparisons`,
      );
  }
}

/**
 * The first name of `certificate` that `constraints` do not allow, or undefined. Names of a type
 * the constraints do not mention are unconstrained. A name form we cannot compare (otherName, URI,
 * x400Address, ...) that the certificate carries and an excluded — or the only permitted —
 * subtree of that form names is refused: it cannot be shown to be allowed.
 * Throws CertificateError('name_constraints_too_complex') when `budget` runs out.
 */
export function violatesNameConstraints(
  certificate: ParsedCertificate,
  constraints: NameConstraints,
  isLeaf: boolean,
  budget: ConstraintBudget,
): string | undefined {
  const names = constrainedNames(certificate, isLeaf);
  const subtreeCount = constraints.excluded.length + (constraints.permitted?.length ?? 0);
  budget.spend(certificate, names.length * subtreeCount);
  const checked = new Set([RFC822, DNS, DIRECTORY, IP]);
  for (const subtree of [...constraints.excluded, ...(constraints.permitted ?? [])]) {
    if (!checked.has(subtree.type) && certificate.sanTypes.has(subtree.type))
      return `a subjectAltName of type [${subtree.type}] under a constraint of that type we cannot check`;
  }
  for (const name of names) {
    if (constraints.excluded.some((s) => s.type === name.type && name.some(s))) return name.value;
    const permitted = constraints.permitted?.filter((s) => s.type === name.type) ?? [];
    if (permitted.length > 0 && !permitted.some((s) => name.all(s))) return name.value;
  }
  return undefined;
}
