// Test helpers: RFC 8448 values transcribed in test-vectors/rfc8448/ (trace.json, server-rsa-key.json).
import { readFileSync } from 'node:fs';
import { Reader } from '@sslsocket/record';
import { type CryptoProvider, nobleProvider, type PrivateKey, type SignatureSchemeName } from '@sslsocket/suites';
import { fromHex, toHex } from '../bytes.js';
import type { ConnectionConfig } from '../config.js';
import { Certificate } from '../messages/certificate.js';
import { leafPublicKey } from '../peer-auth.js';

interface Step {
  actor: 'client' | 'server';
  step: string;
  fields: Record<string, string>;
}
type Trace = Record<string, { title: string; steps: Step[] }>;

const root = new URL('../../../../test-vectors/rfc8448/', import.meta.url);
const trace = JSON.parse(readFileSync(new URL('trace.json', root), 'utf8')) as Trace;

/** The `field` of the `occurrence`-th `actor` step whose description starts with `step`. */
export function tv(
  section: number,
  actor: 'client' | 'server',
  step: string,
  field: string,
  occurrence = 0,
): Uint8Array {
  const steps = trace[section]?.steps.filter((s) => s.actor === actor && s.step.startsWith(step)) ?? [];
  const value = steps[occurrence]?.fields[field];
  if (value === undefined) throw new Error(`RFC 8448 §${section}: no '${field}' in ${actor} '${step}' #${occurrence}`);
  return fromHex(value);
}

/** The complete records of every `send ... record` step of `actor`, in order. */
export function records(section: number, actor: 'client' | 'server', kind: string): Uint8Array[] {
  return (trace[section]?.steps ?? [])
    .filter((s) => s.actor === actor && s.step === `send ${kind} record`)
    .map((s) => fromHex(s.fields['complete record'] as string));
}

const rsa = JSON.parse(readFileSync(new URL('server-rsa-key.json', root), 'utf8')) as { key: Record<string, string> };
const big = (name: string): bigint => BigInt(`0x${rsa.key[name]}`);

/** RFC 8448 §2: the server's RSA key. */
export const serverRsaKey: PrivateKey = {
  kind: 'rsa',
  n: big('modulus'),
  e: big('public exponent'),
  d: big('private exponent'),
  p: big('prime1'),
  q: big('prime2'),
  dp: big('exponent1'),
  dq: big('exponent2'),
  qi: big('coefficient'),
};

/** Serves fixed byte strings in order (randoms), then fails loudly. */
export function fixedRandom(...values: Uint8Array[]): (length: number) => Uint8Array {
  const queue = [...values];
  return (length) => {
    const next = queue.shift();
    if (next === undefined || next.length !== length) throw new Error(`unexpected random(${length})`);
    return next;
  };
}

/**
 * RSA-PSS and ECDSA signatures are randomized, so the trace's CertificateVerify cannot be recomputed.
 * This provider returns the trace's signature, but only after checking that it verifies (under the
 * certificate's public key) over exactly the content we ask to sign — which proves our signed
 * content matches the RFC's.
 */
export function replaySigner(signatures: Uint8Array[], certificates: Uint8Array[]): CryptoProvider {
  const keys = certificates.map(leafPublicKey);
  return {
    ...nobleProvider,
    sign(scheme: SignatureSchemeName, _key: PrivateKey, message: Uint8Array) {
      for (const sig of signatures) {
        for (const key of keys) {
          try {
            if (nobleProvider.verify(scheme, key, message, sig) === true) return sig;
          } catch {
            // a key of another type
          }
        }
      }
      throw new Error('no RFC 8448 signature verifies over this content');
    },
  };
}

/** The CertificateVerify signatures `actor` sends in a section. */
export function signatures(section: number, actor: 'client' | 'server'): Uint8Array[] {
  return (trace[section]?.steps ?? [])
    .filter((s) => s.actor === actor && s.step.startsWith('construct a CertificateVerify'))
    .map((s) => fromHex(s.fields.CertificateVerify as string).subarray(8));
}

/** The leaf certificate `actor` sends in a section. */
export function leafCertificate(section: number, actor: 'client' | 'server'): Uint8Array {
  const msg = tv(section, actor, 'construct a Certificate ', 'Certificate');
  return Certificate.decode(new Reader(msg.subarray(4))).chain[0] as Uint8Array;
}

/** A stand-in private key of the right type (signing is replayed, so its value is never used). */
export function standInKey(certificate: Uint8Array): PrivateKey {
  const pub = leafPublicKey(certificate);
  if (pub.kind === 'ec') return { kind: 'ec', curve: pub.curve, d: new Uint8Array(32), point: pub.point };
  return serverRsaKey;
}

export { fromHex, toHex };

/** The complete records `actor` sends, of the given kinds, in trace order. */
export function recordsInOrder(section: number, actor: 'client' | 'server', kinds: string[]): Uint8Array[] {
  return (trace[section]?.steps ?? [])
    .filter((s) => s.actor === actor && kinds.some((k) => s.step === `send ${k} record`))
    .map((s) => fromHex(s.fields['complete record'] as string));
}

// Configurations reproducing the RFC 8448 endpoints (shared by the §3-§7 replay tests).
const serverCert = leafCertificate(3, 'server');
const SIG_ALGS = [
  0x0403, 0x0503, 0x0603, 0x0203, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201, 0x0402, 0x0502, 0x0602,
  0x0202,
];
const GROUPS = [
  'x25519',
  'secp256r1',
  'secp384r1',
  'secp521r1',
  'ffdhe2048',
  'ffdhe3072',
  'ffdhe4096',
  'ffdhe6144',
  'ffdhe8192',
] as const;

export function clientConfig(section: number, extra: Partial<ConnectionConfig> = {}): ConnectionConfig {
  const hello = tv(section, 'client', 'construct a ClientHello', 'ClientHello');
  return {
    provider: nobleProvider,
    random: fixedRandom(hello.slice(6, 38)),
    middleboxCompat: false,
    cipherSuites: [0x1301, 0x1303, 0x1302],
    groups: [...GROUPS],
    keyShareGroups: ['x25519'],
    signatureAlgs: SIG_ALGS,
    serverName: 'server',
    pskModes: ['psk_dhe_ke'],
    recordSizeLimit: 0x4001,
    keyShareSecret: (g) =>
      g === 'x25519' ? tv(section, 'client', 'create an ephemeral x25519', 'private key') : undefined,
    extraExtensions: [
      { type: 0xff01, data: Uint8Array.of(0) },
      { type: 0x23, data: new Uint8Array(0) },
    ],
    extensionOrder: [0, 0xff01, 10, 0x23, 0x33, 0x2a, 0x2b, 13, 0x2c, 0x2d, 0x1c, 0x15],
    pinnedCertificate: section === 4 ? serverCert : leafCertificate(section, 'server'),
    ...extra,
  };
}

export function serverConfig(section: number, extra: Partial<ConnectionConfig> = {}): ConnectionConfig {
  const sh = tv(section, 'server', 'construct a ServerHello', 'ServerHello', section === 5 ? 1 : 0);
  const cert = section === 4 ? serverCert : leafCertificate(section, 'server');
  return {
    provider: replaySigner(signatures(section, 'server'), [cert]),
    random: fixedRandom(sh.slice(6, 38)),
    cipherSuites: [0x1301, 0x1303, 0x1302],
    groups: [...GROUPS],
    signatureAlgs: SIG_ALGS,
    recordSizeLimit: 0x4001,
    certificateChain: [cert],
    privateKey: standInKey(cert),
    keyShareSecret: (g) =>
      g === 'x25519' ? tv(section, 'server', 'create an ephemeral x25519', 'private key') : undefined,
    ...extra,
  };
}
