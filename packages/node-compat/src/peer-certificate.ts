import { X509Certificate } from 'node:crypto';

/** A distinguished name as node shows it: attribute → value (an array when repeated). */
export type NodeDistinguishedName = Record<string, string | string[]>;

/**
 * The object node's `getPeerCertificate()` returns (the documented fields): subject, issuer,
 * subjectaltname, valid_from / valid_to, fingerprints, serialNumber, raw, and with `detailed` the
 * issuer chain through `issuerCertificate` (a self-signed root points at itself, as in node).
 */
export interface NodePeerCertificate {
  subject: NodeDistinguishedName;
  issuer: NodeDistinguishedName;
  subjectaltname?: string;
  infoAccess?: Record<string, string[]>;
  ca: boolean;
  modulus?: string;
  exponent?: string;
  bits?: number;
  pubkey?: Buffer;
  asn1Curve?: string;
  nistCurve?: string;
  valid_from: string;
  valid_to: string;
  fingerprint: string;
  fingerprint256: string;
  fingerprint512: string;
  ext_key_usage?: string[];
  serialNumber: string;
  raw: Buffer;
  issuerCertificate?: NodePeerCertificate;
}

/** Parses node's `X509Certificate.subject` text: one `key=value` per line. */
function distinguishedName(text: string): NodeDistinguishedName {
  const out: NodeDistinguishedName = Object.create(null);
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at <= 0) continue;
    const key = line.slice(0, at);
    const value = line.slice(at + 1);
    const existing = out[key];
    out[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}

function infoAccess(text: string | undefined): Record<string, string[]> | undefined {
  if (text === undefined) return undefined;
  const out: Record<string, string[]> = Object.create(null);
  for (const line of text.split('\n')) {
    const at = line.indexOf(' - ');
    if (at <= 0) continue;
    const key = line.slice(0, at);
    const values = out[key] ?? [];
    values.push(line.slice(at + 3));
    out[key] = values;
  }
  return out;
}

const CURVES: Readonly<Record<string, [string, string, number]>> = {
  'P-256': ['prime256v1', 'P-256', 256],
  'P-384': ['secp384r1', 'P-384', 384],
  'P-521': ['secp521r1', 'P-521', 521],
};

function keyFields(x509: X509Certificate): Partial<NodePeerCertificate> {
  const key = x509.publicKey;
  const pubkey = key.export({ type: 'spki', format: 'der' });
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') {
    const jwk = key.export({ format: 'jwk' });
    const modulus = Buffer.from(jwk.n as string, 'base64url');
    const exponent = Buffer.from(jwk.e as string, 'base64url');
    return {
      modulus: modulus.toString('hex').toUpperCase(),
      bits: (key.asymmetricKeyDetails?.modulusLength as number | undefined) ?? modulus.length * 8,
      exponent: `0x${BigInt(`0x${exponent.toString('hex')}`).toString(16)}`,
      pubkey,
    };
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = CURVES[(key.asymmetricKeyDetails?.namedCurve as string | undefined) ?? ''];
    const named = key.asymmetricKeyDetails?.namedCurve as string | undefined;
    return curve === undefined
      ? { pubkey, ...(named === undefined ? {} : { asn1Curve: named }) }
      : { pubkey, asn1Curve: curve[0], nistCurve: curve[1], bits: curve[2] };
  }
  return { pubkey };
}

function describe(der: Uint8Array): NodePeerCertificate {
  const x509 = new X509Certificate(der);
  const san = x509.subjectAltName;
  const info = infoAccess(x509.infoAccess);
  const eku = x509.keyUsage;
  return {
    subject: distinguishedName(x509.subject),
    issuer: distinguishedName(x509.issuer),
    ...(san === undefined ? {} : { subjectaltname: san }),
    ...(info === undefined ? {} : { infoAccess: info }),
    ca: x509.ca,
    ...keyFields(x509),
    valid_from: x509.validFrom,
    valid_to: x509.validTo,
    fingerprint: x509.fingerprint,
    fingerprint256: x509.fingerprint256,
    fingerprint512: x509.fingerprint512,
    ...(eku === undefined || eku.length === 0 ? {} : { ext_key_usage: [...eku] }),
    serialNumber: x509.serialNumber.toUpperCase(),
    raw: x509.raw,
  };
}

/** Whether `issuer` issued `subject` (names and signature, as node's X509Certificate.checkIssued does). */
function issued(issuer: X509Certificate, subject: X509Certificate): boolean {
  return subject.checkIssued(issuer) && subject.verify(issuer.publicKey);
}

/**
 * Node's certificate object for a chain (leaf first). With `detailed`, each certificate links its
 * issuer through `issuerCertificate`: the chain as sent, completed from `trusted` (the CAs the
 * peer was verified against) up to a self-issued root, which points at itself, as node's does.
 *
 * @example
 * nodeCertificate([leafDer], true, [caDer]).issuerCertificate?.subject.CN;
 */
export function nodeCertificate(
  chain: readonly Uint8Array[],
  detailed: boolean,
  trusted: readonly Uint8Array[] = [],
): NodePeerCertificate | undefined {
  const leaf = chain[0];
  if (leaf === undefined) return undefined;
  const first = describe(leaf);
  if (!detailed) return first;
  let current = first;
  let currentX509 = new X509Certificate(leaf);
  const link = (der: Uint8Array, x509: X509Certificate): void => {
    const next = describe(der);
    current.issuerCertificate = next;
    current = next;
    currentX509 = x509;
  };
  for (const der of chain.slice(1)) link(der, new X509Certificate(der));
  for (let depth = 0; depth < 10 && !issued(currentX509, currentX509); depth++) {
    const found = trusted.map((der) => new X509Certificate(der)).find((ca) => issued(ca, currentX509));
    if (found === undefined) return first;
    link(found.raw, found);
  }
  if (issued(currentX509, currentX509)) current.issuerCertificate = current;
  return first;
}
