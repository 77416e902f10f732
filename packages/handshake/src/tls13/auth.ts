/**
 * Pieces both TLS 1.3 sides use: resolving the configured suites/groups/schemes, the
 * CertificateVerify signature input and scheme choice, Finished, and the default verification hook.
 * @module
 */
import type { HandshakeMessageBytes } from '@sslsocket/record';
import { Reader } from '@sslsocket/record';
import {
  type HashAlgorithm,
  isPromiseLike,
  type MaybePromise,
  type PrivateKey,
  type PublicKey,
  type SignatureSchemeName,
  schemeByCode,
  schemeByName,
  TlsAlert,
} from '@sslsocket/suites';
import { concat, equalBytes, utf8 } from '../bytes.js';
import type { ConnectionCore } from '../core.js';
import { CertificateVerify } from '../messages/certificate.js';
import { frameHandshake, HandshakeType } from '../messages/handshake-type.js';
import { Finished } from '../messages/simple.js';
import type { Transcript } from '../transcript.js';
import { finishedVerifyData, hashLength } from './key-schedule.js';

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
  sink: MessageSink,
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
  transcript: Transcript,
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
export function sendFinished(core: ConnectionCore, hash: HashAlgorithm, baseKey: Uint8Array, sink: MessageSink): void {
  const data = finishedVerifyData(core.provider, hash, baseKey, sink.transcript.current());
  sink.send(frameHandshake(HandshakeType.finished, new Finished(data)));
}

/** Where outgoing handshake messages go: the handshake flight, or a post-handshake exchange. */
export interface MessageSink {
  readonly transcript: Transcript;
  send(raw: Uint8Array): void;
}

/** The handshake flight: messages join `transcript` (the handshake's) and the current flight. */
export function mainSink(core: ConnectionCore, transcript: Transcript): MessageSink {
  return { transcript, send: (raw) => core.queueHandshake(raw, transcript) };
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
  transcript: Transcript,
): void {
  const finished = Finished.decode(new Reader(message.body), hashLength(hash));
  const expected = finishedVerifyData(core.provider, hash, baseKey, transcript.current());
  if (!equalBytes(expected, finished.verifyData)) throw new TlsAlert('decrypt_error', 'Finished verify_data mismatch');
  transcript.update(message.raw);
}
