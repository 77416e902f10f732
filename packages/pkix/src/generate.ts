import { sha1 } from '@noble/hashes/legacy.js';
import { type CryptoProvider, nobleProvider, type PrivateKey } from '@sslsocket/suites';
import { bitString, bool, integer, octets, oid, seq, set, tagged, time, utf8 } from './der-writer.js';
import { CURVE_OIDS, OID } from './oids.js';
import { encodePem } from './pem.js';

/** A generated certificate with its key, in every form callers want. */
export interface GeneratedCertificate {
  readonly certificateDer: Uint8Array;
  readonly certificatePem: string;
  readonly privateKey: PrivateKey;
  readonly keyPem: string;
}

/** Options for {@link generateSelfSigned}. */
export interface GenerateOptions {
  /** Subject CN (default "localhost"). */
  readonly commonName?: string;
  /** Extra DNS names or IP literals for the SAN, besides localhost, 127.0.0.1 and ::1. */
  readonly altNames?: readonly string[];
  readonly provider?: CryptoProvider;
  /** Validity start (default now minus one hour, for clock skew). */
  readonly notBefore?: Date;
  /** Validity in days (default 365). */
  readonly days?: number;
}

function ipBytes(text: string): Uint8Array | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) return new Uint8Array(text.split('.').map(Number));
  if (!text.includes(':')) return undefined;
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  const out = new Uint8Array(16);
  groups.forEach((group, i) => {
    const value = Number.parseInt(group, 16);
    out[i * 2] = value >> 8;
    out[i * 2 + 1] = value & 0xff;
  });
  return out;
}

/** A Name with one CN attribute (RFC 5280 §4.1.2.4), as a UTF8String. */
function name(commonName: string): Uint8Array {
  return seq(set(seq(oid(OID.commonName), utf8(commonName))));
}

function ecKeyPair(provider: CryptoProvider): PrivateKey {
  // An ECDH share on P-256 is a valid ECDSA key pair: scalar + uncompressed point.
  const d = provider.randomBytes(32);
  d[0] = (d[0] as number) & 0x7f; // below the group order without a retry loop
  const share = provider.keyShare('secp256r1', d);
  if (share instanceof Promise) throw new Error('certificate generation needs a synchronous provider');
  return { kind: 'ec', curve: 'P-256', d, point: share.publicKey };
}

function spki(point: Uint8Array): Uint8Array {
  return seq(seq(oid(OID.ecPublicKey), oid(CURVE_OIDS['P-256'])), bitString(point));
}

/** PKCS#8 for a P-256 key (RFC 5915 ECPrivateKey inside RFC 5208 PrivateKeyInfo). */
export function encodeEcPrivateKey(key: Extract<PrivateKey, { kind: 'ec' }>): Uint8Array {
  const inner = seq(integer(1), octets(key.d), tagged(1, true, bitString(key.point)));
  return seq(integer(0), seq(oid(OID.ecPublicKey), oid(CURVE_OIDS[key.curve])), octets(inner));
}

/** Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } (RFC 5280 §4.1). */
function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return critical ? seq(oid(id), bool(true), octets(value)) : seq(oid(id), octets(value));
}

interface IssueOptions {
  readonly subject: string;
  readonly issuer: string;
  readonly publicPoint: Uint8Array;
  /** The issuer's public point, for authorityKeyIdentifier. */
  readonly issuerPoint: Uint8Array;
  readonly signingKey: PrivateKey;
  readonly ca: boolean;
  readonly pathLength?: number;
  readonly altNames: readonly string[];
  readonly notBefore: Date;
  readonly days: number;
  readonly provider: CryptoProvider;
}

async function issue(options: IssueOptions): Promise<Uint8Array> {
  const serial = options.provider.randomBytes(16);
  serial[0] = ((serial[0] as number) & 0x7f) | 0x01; // positive, never zero (RFC 5280 §4.1.2.2)
  const extensions = [
    extension(
      OID.basicConstraints,
      true,
      options.ca ? seq(bool(true), ...(options.pathLength === undefined ? [] : [integer(options.pathLength)])) : seq(),
    ),
    // digitalSignature (bit 0) for leaves; keyCertSign (5) and cRLSign (6) for CAs.
    extension(OID.keyUsage, true, bitString(new Uint8Array([options.ca ? 0x06 : 0x80]), options.ca ? 1 : 7)),
  ];
  if (!options.ca) {
    extensions.push(extension(OID.extKeyUsage, false, seq(oid(OID.serverAuth), oid(OID.clientAuth))));
    const altNames = options.altNames.map((value) => {
      const ip = ipBytes(value);
      return ip === undefined ? tagged(2, false, new TextEncoder().encode(value)) : tagged(7, false, ip);
    });
    extensions.push(extension(OID.subjectAltName, false, seq(...altNames)));
  }
  // RFC 5280 §4.2.1.2 method (1): the key identifier is the SHA-1 of the subjectPublicKey bits.
  extensions.push(
    extension(OID.subjectKeyIdentifier, false, octets(sha1(options.publicPoint))),
    extension(OID.authorityKeyIdentifier, false, seq(tagged(0, false, sha1(options.issuerPoint)))),
  );
  const algorithm = seq(oid(OID.ecdsaWithSha256));
  const notAfter = new Date(options.notBefore.getTime() + options.days * 86_400_000);
  const tbs = seq(
    tagged(0, true, integer(2)),
    integer(serial),
    algorithm,
    name(options.issuer),
    seq(time(options.notBefore), time(notAfter)),
    name(options.subject),
    spki(options.publicPoint),
    tagged(3, true, seq(...extensions)),
  );
  const signature = await options.provider.sign('ecdsa_secp256r1_sha256', options.signingKey, tbs);
  return seq(tbs, algorithm, bitString(signature));
}

/**
 * A self-signed ECDSA P-256 certificate whose SAN covers localhost, 127.0.0.1, ::1 and the given
 * names: the embedded default for servers started without a certificate, and for tests.
 *
 * @example
 * const { certificatePem, keyPem } = await generateSelfSigned({ altNames: ['myhost.local'] });
 */
export async function generateSelfSigned(options: GenerateOptions = {}): Promise<GeneratedCertificate> {
  const provider = options.provider ?? nobleProvider;
  const key = ecKeyPair(provider);
  const commonName = options.commonName ?? 'localhost';
  const altNames = [
    ...new Set([
      'localhost',
      '127.0.0.1',
      '::1',
      ...(options.altNames ?? []),
      ...(commonName === 'localhost' ? [] : [commonName]),
    ]),
  ];
  const der = await issue({
    subject: commonName,
    issuer: commonName,
    publicPoint: (key as Extract<PrivateKey, { kind: 'ec' }>).point,
    issuerPoint: (key as Extract<PrivateKey, { kind: 'ec' }>).point,
    signingKey: key,
    ca: false,
    altNames,
    notBefore: options.notBefore ?? new Date(Date.now() - 3_600_000),
    days: options.days ?? 365,
    provider,
  });
  return {
    certificateDer: der,
    certificatePem: encodePem('CERTIFICATE', der),
    privateKey: key,
    keyPem: encodePem('PRIVATE KEY', encodeEcPrivateKey(key as Extract<PrivateKey, { kind: 'ec' }>)),
  };
}

/** A small CA and a leaf it issued (P-256 throughout), for tests and demos. */
export async function generateCaChain(
  options: GenerateOptions = {},
): Promise<{ ca: GeneratedCertificate; leaf: GeneratedCertificate }> {
  const provider = options.provider ?? nobleProvider;
  const notBefore = options.notBefore ?? new Date(Date.now() - 3_600_000);
  const days = options.days ?? 365;
  const caKey = ecKeyPair(provider) as Extract<PrivateKey, { kind: 'ec' }>;
  const caDer = await issue({
    subject: 'sslsocket test CA',
    issuer: 'sslsocket test CA',
    publicPoint: caKey.point,
    issuerPoint: caKey.point,
    signingKey: caKey,
    ca: true,
    pathLength: 0,
    altNames: [],
    notBefore,
    days,
    provider,
  });
  const leafKey = ecKeyPair(provider) as Extract<PrivateKey, { kind: 'ec' }>;
  const commonName = options.commonName ?? 'localhost';
  // The CN repeats a SAN value, as CABF BR 7.1.4.3 (and so the webpki profile) requires.
  const altNames = [...new Set(['localhost', '127.0.0.1', '::1', ...(options.altNames ?? []), commonName])];
  const leafDer = await issue({
    subject: commonName,
    issuer: 'sslsocket test CA',
    publicPoint: leafKey.point,
    issuerPoint: caKey.point,
    signingKey: caKey,
    ca: false,
    altNames,
    notBefore,
    days,
    provider,
  });
  const wrap = (der: Uint8Array, key: Extract<PrivateKey, { kind: 'ec' }>): GeneratedCertificate => ({
    certificateDer: der,
    certificatePem: encodePem('CERTIFICATE', der),
    privateKey: key,
    keyPem: encodePem('PRIVATE KEY', encodeEcPrivateKey(key)),
  });
  return { ca: wrap(caDer, caKey), leaf: wrap(leafDer, leafKey) };
}
