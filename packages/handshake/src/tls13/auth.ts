/**
 * Pieces both TLS 1.3 sides use: resolving the configured suites/groups/schemes, the
 * CertificateVerify signature input and scheme choice, Finished, and the default verification hook.
 * @module
 */
import type { HandshakeMessageBytes } from '@sslsocket/record';
import { Reader } from '@sslsocket/record';
import {
  type CipherSuite,
  type GroupName,
  groupByCode,
  groupByName,
  type HashAlgorithm,
  isPromiseLike,
  type MaybePromise,
  type PrivateKey,
  type PublicKey,
  SIGNATURE_SCHEMES,
  type SignatureSchemeName,
  schemeByCode,
  schemeByName,
  suiteByCode,
  suiteByName,
  TlsAlert,
} from '@sslsocket/suites';
import { concat, equalBytes, utf8 } from '../bytes.js';
import type { ConnectionConfig, VerifyContext } from '../config.js';
import type { ConnectionCore } from '../core.js';
import { CertificateVerify } from '../messages/certificate.js';
import { frameHandshake, HandshakeType } from '../messages/handshake-type.js';
import { Finished } from '../messages/simple.js';
import { publicKeyFromSpki, spkiFromCertificate } from '../spki.js';
import type { Transcript } from '../transcript.js';
import { finishedVerifyData, hashLength } from './key-schedule.js';

export const TLS13 = 0x0304;

const DEFAULT_SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];

/** The configured TLS 1.3 suites, in preference order. */
export function configuredSuites(config: ConnectionConfig): CipherSuite[] {
  const wanted = config.cipherSuites ?? DEFAULT_SUITES;
  const out: CipherSuite[] = [];
  for (const s of wanted) {
    const suite = typeof s === 'number' ? suiteByCode(s) : suiteByName(s);
    if (suite?.versions.includes('tlsv1.3') && suite.aead !== undefined) out.push(suite);
  }
  if (out.length === 0) throw new TlsAlert('internal_error', 'no TLS 1.3 cipher suite configured');
  return out;
}

/** Default groups: every EC group and the two smaller RFC 7919 groups (TLS 1.2 DHE needs them named). */
const DEFAULT_GROUPS: readonly GroupName[] = [
  'x25519',
  'secp256r1',
  'x448',
  'secp384r1',
  'secp521r1',
  'ffdhe2048',
  'ffdhe3072',
];

export function configuredGroups(config: ConnectionConfig): GroupName[] {
  return [...(config.groups ?? DEFAULT_GROUPS)];
}

export function groupCode(name: GroupName): number {
  return (groupByName(name) as { code: number }).code;
}

export function groupName(code: number): GroupName | undefined {
  return groupByCode(code)?.name;
}

const DEFAULT_SCHEMES: SignatureSchemeName[] = SIGNATURE_SCHEMES.filter((s) => s.tls13).map((s) => s.name);

/** Configured signature_algorithms as codes (names or raw codes allowed). */
export function schemeCodes(list: ConnectionConfig['signatureAlgs'] | undefined): number[] {
  return (list ?? DEFAULT_SCHEMES)
    .map((s) => (typeof s === 'number' ? s : (schemeByName(s)?.code ?? -1)))
    .filter((c) => c >= 0);
}

/** RFC 8446 §4.4.3: 64 spaces, the context string, a zero byte, then the transcript hash. */
export function signedContent(role: 'server' | 'client', transcriptHash: Uint8Array): Uint8Array {
  const prefix = new Uint8Array(64).fill(0x20);
  return concat(prefix, utf8(`TLS 1.3, ${role} CertificateVerify`), Uint8Array.of(0), transcriptHash);
}

/** Whether a TLS 1.3 signature scheme fits a private/public key (RFC 8446 §4.2.3). */
export function schemeFitsKey(name: SignatureSchemeName, key: PrivateKey | PublicKey): boolean {
  const s = schemeByName(name);
  if (s === undefined || !s.tls13) return false;
  switch (key.kind) {
    case 'ec':
      return s.family === 'ecdsa' && s.curve === key.curve;
    case 'rsa':
      return s.family === 'rsa_pss_rsae';
    case 'rsa-pss':
      return s.family === 'rsa_pss_pss';
    case 'ed25519':
      return s.family === 'ed25519';
    case 'ed448':
      return s.family === 'ed448';
  }
}

/** Our scheme for CertificateVerify: the first of the peer's list that fits the key and we allow. */
export function chooseScheme(
  key: PrivateKey,
  peerSchemes: readonly number[],
  ours: readonly number[],
): SignatureSchemeName {
  for (const code of peerSchemes) {
    if (!ours.includes(code)) continue;
    const s = schemeByCode(code);
    if (s !== undefined && schemeFitsKey(s.name, key)) return s.name;
  }
  throw new TlsAlert('handshake_failure', 'no common signature scheme for our key');
}

/** Builds our CertificateVerify over the transcript so far and queues it. */
export function sendCertificateVerify(
  core: ConnectionCore,
  key: PrivateKey,
  scheme: SignatureSchemeName,
  sink: MessageSink = mainSink(core),
): MaybePromise<void> {
  const content = signedContent(core.role, sink.transcript.current());
  const signature = core.provider.sign(scheme, key, content);
  const finish = (sig: Uint8Array): void => {
    const code = (schemeByName(scheme) as { code: number }).code;
    sink.send(frameHandshake(HandshakeType.certificate_verify, new CertificateVerify(code, sig)));
  };
  return isPromiseLike(signature) ? signature.then(finish) : finish(signature);
}

/** Checks the peer's CertificateVerify (RFC 8446 §4.4.3); call before adding it to the transcript. */
export function checkCertificateVerify(
  core: ConnectionCore,
  message: HandshakeMessageBytes,
  peerKey: PublicKey,
  offered: readonly number[],
  transcript: Transcript = core.transcript,
): MaybePromise<SignatureSchemeName> {
  const cv = CertificateVerify.decode(new Reader(message.body));
  const scheme = schemeByCode(cv.algorithm);
  // RFC 8446 §4.4.3: the scheme must be one we offered and must match the key.
  if (scheme === undefined || !offered.includes(cv.algorithm) || !scheme.tls13) {
    throw new TlsAlert('illegal_parameter', `CertificateVerify scheme 0x${cv.algorithm.toString(16)} not offered`);
  }
  if (!schemeFitsKey(scheme.name, peerKey)) throw new TlsAlert('illegal_parameter', 'scheme does not match the key');
  const peerRole = core.role === 'client' ? 'server' : 'client';
  const content = signedContent(peerRole, transcript.current());
  const done = (ok: boolean): SignatureSchemeName => {
    if (!ok) throw new TlsAlert('decrypt_error', 'CertificateVerify signature is wrong');
    transcript.update(message.raw);
    return scheme.name;
  };
  let verified: MaybePromise<boolean>;
  try {
    verified = core.provider.verify(scheme.name, peerKey, content, cv.signature);
  } catch (e) {
    throw new TlsAlert('decrypt_error', 'CertificateVerify signature is malformed', { cause: e });
  }
  return isPromiseLike(verified) ? verified.then(done) : done(verified);
}

/** Our Finished over the transcript so far, queued (RFC 8446 §4.4.4). */
export function sendFinished(
  core: ConnectionCore,
  hash: HashAlgorithm,
  baseKey: Uint8Array,
  sink: MessageSink = mainSink(core),
): void {
  const data = finishedVerifyData(core.provider, hash, baseKey, sink.transcript.current());
  sink.send(frameHandshake(HandshakeType.finished, new Finished(data)));
}

/** Where outgoing handshake messages go: the handshake flight, or a post-handshake exchange. */
export interface MessageSink {
  readonly transcript: Transcript;
  send(raw: Uint8Array): void;
}

export function mainSink(core: ConnectionCore): MessageSink {
  return { transcript: core.transcript, send: (raw) => core.queueHandshake(raw) };
}

/** A post-handshake exchange: its own transcript copy, records written outside the main flight. */
export function postHandshakeSink(core: ConnectionCore, transcript: Transcript): MessageSink {
  return {
    transcript,
    send: (raw) => {
      transcript.update(raw);
      core.record.writeHandshakeOutsideTranscript(raw);
    },
  };
}

/** Checks the peer's Finished and adds it to the transcript; wrong data is decrypt_error. */
export function checkFinished(
  core: ConnectionCore,
  hash: HashAlgorithm,
  message: HandshakeMessageBytes,
  baseKey: Uint8Array,
  transcript: Transcript = core.transcript,
): void {
  const finished = Finished.decode(new Reader(message.body), hashLength(hash));
  const expected = finishedVerifyData(core.provider, hash, baseKey, transcript.current());
  if (!equalBytes(expected, finished.verifyData)) throw new TlsAlert('decrypt_error', 'Finished verify_data mismatch');
  transcript.update(message.raw);
}

/** Converts a hook failure into an alert: TlsAlert as is, `{ alert }` errors by name, else bad_certificate. */
export function hookAlert(error: unknown): TlsAlert {
  if (error instanceof TlsAlert) return error;
  const named = (error as { alert?: unknown } | null)?.alert;
  if (typeof named === 'string' || typeof named === 'number') {
    return new TlsAlert(named as ConstructorParameters<typeof TlsAlert>[0], (error as Error).message, { cause: error });
  }
  return new TlsAlert('bad_certificate', error instanceof Error ? error.message : 'certificate rejected', {
    cause: error,
  });
}

/**
 * Runs the verification hook: config.verifyCertificate, else a pinned leaf (config.pinnedCertificate),
 * else bad_certificate (no PKIX validator is wired into the engine by default).
 */
export function verifyPeerChain(
  config: ConnectionConfig,
  chain: readonly Uint8Array[],
  ctx: VerifyContext,
): MaybePromise<PublicKey> {
  try {
    if (config.verifyCertificate !== undefined) {
      const result = config.verifyCertificate(chain, ctx);
      return isPromiseLike(result)
        ? result.then(undefined, (e: unknown) => {
            throw hookAlert(e);
          })
        : result;
    }
  } catch (e) {
    throw hookAlert(e);
  }
  const pinned = config.pinnedCertificate;
  if (pinned !== undefined && chain[0] !== undefined && equalBytes(chain[0], pinned)) {
    return leafPublicKey(chain[0]);
  }
  throw new TlsAlert('bad_certificate', 'no verifyCertificate hook and the leaf is not the pinned certificate');
}

/**
 * Extracts the subjectPublicKeyInfo of an X.509 certificate for the pinned-certificate mode. A tiny
 * DER walk (Certificate → tbsCertificate → 7th field); the real PKIX parser lives in @sslsocket/pkix.
 */
export function leafPublicKey(der: Uint8Array): PublicKey {
  try {
    return publicKeyFromSpki(spkiFromCertificate(der));
  } catch (e) {
    throw new TlsAlert('bad_certificate', 'cannot read the leaf public key', { cause: e });
  }
}
