/**
 * What one TLS 1.2 handshake (initial or renegotiation) learns, shared by its states on either side,
 * plus the pieces both sides use: the transcript with its raw log (CertificateVerify signs the
 * messages themselves, RFC 5246 §7.4.8), Finished (§7.4.9), the RFC 5746 renegotiation_info check,
 * and the negotiated parameters.
 * @module
 */
import { type HandshakeMessageBytes, Reader } from '@sslsocket/record';
import {
  type CipherSuite,
  type CryptoProvider,
  type GroupName,
  isPromiseLike,
  type MaybePromise,
  type PrivateKey,
  type PublicKey,
  type SignatureSchemeName,
  TlsAlert,
} from '@sslsocket/suites';
import { concat, equalBytes } from '../bytes.js';
import type { ConnectionConfig } from '../config.js';
import type { ConnectionCore, HandshakeState, SessionSecrets } from '../core.js';
import type { NegotiatedParameters } from '../events.js';
import { CertificateVerify } from '../messages/certificate.js';
import { frameHandshake, HandshakeType } from '../messages/handshake-type.js';
import { Finished } from '../messages/simple.js';
import { Transcript } from '../transcript.js';
import {
  deriveMasterSecret,
  deriveProtections,
  exportKeyingMaterial12,
  finishedVerifyData12,
  type MasterKeys,
  type Protections,
} from './keys.js';
import { schemeFitsKey12, schemeName } from './suites.js';

/** The verify_data of the last completed handshake, for RFC 5746 renegotiation_info. */
export interface RenegotiationState {
  readonly secure: boolean;
  readonly clientVerifyData: Uint8Array;
  readonly serverVerifyData: Uint8Array;
  /** Server: times (ms) of recent client-initiated renegotiations, for the rate limit. */
  readonly renegotiationTimes: number[];
}

/**
 * Builds the state that follows a completed handshake. Whoever starts a handshake passes it, so
 * the handshake states need not import the connected state that may start the next one.
 */
export type Connected12 = (core: ConnectionCore, hs: Handshake12) => HandshakeState;

export class Handshake12 {
  readonly transcript: Transcript;
  /** The raw messages so far (CertificateVerify signs them whole). */
  private readonly log: Uint8Array[] = [];
  suite: CipherSuite | undefined;
  clientRandom: Uint8Array = new Uint8Array(32);
  serverRandom: Uint8Array = new Uint8Array(32);
  sessionId: Uint8Array = new Uint8Array(0);
  resumed = false;
  extendedMasterSecret = false;
  encryptThenMac = false;
  secureRenegotiation = false;
  ticketExpected = false;
  alpn: string | undefined;
  serverName: string | undefined;
  group: GroupName | undefined;
  signatureScheme: SignatureSchemeName | undefined;
  peerChain: Uint8Array[] = [];
  peerKey: PublicKey | undefined;
  peerRecordSizeLimit: number | undefined;
  clientVerifyData: Uint8Array = new Uint8Array(0);
  serverVerifyData: Uint8Array = new Uint8Array(0);
  /** Server: times (ms) of recent client-initiated renegotiations on this connection. */
  readonly renegotiationTimes: number[];

  constructor(
    provider: CryptoProvider,
    /** This handshake's configuration (a renegotiation keeps the one its connection had). */
    readonly config: ConnectionConfig,
    /** The previous handshake, when this one renegotiates. */
    readonly previous: RenegotiationState | undefined,
    /** The state after this handshake completes. */
    readonly connected: Connected12,
  ) {
    this.transcript = new Transcript(provider);
    this.renegotiationTimes = previous?.renegotiationTimes ?? [];
  }

  get renegotiation(): boolean {
    return this.previous !== undefined;
  }

  /** Adds a message to the transcript and the log. */
  update(raw: Uint8Array): void {
    this.transcript.update(raw);
    this.log.push(raw);
  }

  /** Everything exchanged so far, for CertificateVerify. */
  messages(): Uint8Array {
    return concat(...this.log);
  }
}

/** Queues a message of ours: transcript, log and the current flight. */
export function send12(core: ConnectionCore, hs: Handshake12, raw: Uint8Array): void {
  core.queueHandshake(raw, hs);
}

/** Our Finished over the transcript so far (RFC 5246 §7.4.9). */
export function sendFinished12(core: ConnectionCore, hs: Handshake12, keys: Keys12): void {
  const data = finishedVerifyData12(core.provider, keys.master, core.role, hs.transcript.current());
  if (core.role === 'client') hs.clientVerifyData = data;
  else hs.serverVerifyData = data;
  send12(core, hs, frameHandshake(HandshakeType.finished, new Finished(data)));
}

/**
 * Checks the peer's Finished: it must follow the peer's ChangeCipherSpec (RFC 5246 §7.4.9) and carry
 * the right verify_data (else decrypt_error).
 */
export function checkFinished12(
  core: ConnectionCore,
  hs: Handshake12,
  keys: Keys12,
  message: HandshakeMessageBytes,
): void {
  if (!core.record.takeChangeCipherSpec()) {
    throw new TlsAlert('unexpected_message', 'Finished before ChangeCipherSpec');
  }
  const finished = Finished.decode(new Reader(message.body), 12);
  const peer = core.role === 'client' ? 'server' : 'client';
  const expected = finishedVerifyData12(core.provider, keys.master, peer, hs.transcript.current());
  if (!equalBytes(expected, finished.verifyData)) throw new TlsAlert('decrypt_error', 'Finished verify_data mismatch');
  if (peer === 'client') hs.clientVerifyData = expected;
  else hs.serverVerifyData = expected;
  hs.update(message.raw);
}

/** RFC 5746 §3.2: renegotiation_info holds client_verify_data (+ server_verify_data from the server). */
export function renegotiationInfoBody(hs: Handshake12, role: 'client' | 'server'): Uint8Array {
  const prev = hs.previous;
  const data =
    prev === undefined
      ? new Uint8Array(0)
      : role === 'client'
        ? prev.clientVerifyData
        : concat(prev.clientVerifyData, prev.serverVerifyData);
  return Uint8Array.of(data.length, ...data);
}

/** RFC 5746 §3.4-§3.7: checks a peer's renegotiation_info against what this handshake expects. */
export function checkRenegotiationInfo(hs: Handshake12, body: Uint8Array, from: 'client' | 'server'): void {
  const expected = renegotiationInfoBody(hs, from);
  if (!equalBytes(body, expected)) throw new TlsAlert('handshake_failure', 'renegotiation_info does not match');
}

/** Signs the handshake messages so far for the client's CertificateVerify (RFC 5246 §7.4.8). */
export function signCertificateVerify12(
  core: ConnectionCore,
  hs: Handshake12,
  key: PrivateKey,
  requested: readonly number[],
  ours: readonly number[],
): MaybePromise<void> {
  const code = requested.find((c) => ours.includes(c) && schemeFitsKey12(c, key) !== undefined);
  if (code === undefined) throw new TlsAlert('handshake_failure', 'no signature scheme for our client certificate');
  const scheme = schemeFitsKey12(code, key) as { name: SignatureSchemeName };
  const signature = core.provider.sign(scheme.name, key, hs.messages());
  const finish = (sig: Uint8Array): void => {
    send12(core, hs, frameHandshake(HandshakeType.certificate_verify, new CertificateVerify(code, sig)));
  };
  return isPromiseLike(signature) ? signature.then(finish) : finish(signature);
}

/** Checks a signature made with a TLS 1.2 (hash, signature) pair we offered. */
export function verifySignature12(
  core: ConnectionCore,
  code: number,
  offered: readonly number[],
  key: PublicKey,
  content: Uint8Array,
  signature: Uint8Array,
): MaybePromise<SignatureSchemeName> {
  if (!offered.includes(code))
    throw new TlsAlert('illegal_parameter', `signature scheme 0x${code.toString(16)} not offered`);
  const scheme = schemeFitsKey12(code, key);
  if (scheme === undefined) throw new TlsAlert('illegal_parameter', 'signature scheme does not match the key');
  const done = (ok: boolean): SignatureSchemeName => {
    if (!ok) throw new TlsAlert('decrypt_error', 'signature does not verify');
    return schemeName(code) ?? scheme.name;
  };
  let verified: MaybePromise<boolean>;
  try {
    verified = core.provider.verify(scheme.name, key, content, signature);
  } catch (e) {
    throw new TlsAlert('decrypt_error', 'malformed signature', { cause: e });
  }
  return isPromiseLike(verified)
    ? verified.then(done, (e: unknown) => {
        throw new TlsAlert('decrypt_error', 'malformed signature', { cause: e });
      })
    : done(verified);
}

/** What a completed TLS 1.2 handshake agreed. */
export function parameters12(hs: Handshake12, suite: CipherSuite): NegotiatedParameters {
  return {
    version: 'tlsv1.2',
    cipherSuite: suite.name,
    cipherSuiteCode: suite.code,
    group: hs.group,
    signatureScheme: hs.signatureScheme,
    alpn: hs.alpn,
    serverName: hs.serverName,
    resumed: hs.resumed,
    helloRetry: false,
    peerCertificates: hs.peerChain,
    peerPublicKey: hs.peerKey,
    peerRecordSizeLimit: hs.peerRecordSizeLimit,
    sessionId: hs.sessionId,
    extendedMasterSecret: hs.extendedMasterSecret,
    encryptThenMac: hs.encryptThenMac,
    secureRenegotiation: hs.secureRenegotiation,
    renegotiated: hs.renegotiation,
  };
}

/** Completes a handshake on either side: keys for exporters, the event, pending writes. */
export function completeHandshake12(core: ConnectionCore, hs: Handshake12, keys: Keys12): void {
  core.secrets = new Exporter12(core.provider, keys.master);
  core.emit({ type: 'handshakeComplete', parameters: parameters12(hs, keys.suite) });
  if (!core.handshakeComplete) core.record.completeHandshake();
}

/** RFC 5705: the TLS 1.2 exporter, an object with a method (no closure kept per connection). */
class Exporter12 implements SessionSecrets {
  constructor(
    private readonly provider: CryptoProvider,
    readonly masterKeys: MasterKeys,
  ) {}

  exportKeyingMaterial(label: string, context: Uint8Array | undefined, length: number): Uint8Array {
    return exportKeyingMaterial12(this.provider, this.masterKeys, label, context, length);
  }
}

/**
 * What a TLS 1.2 handshake holds once its master secret is known (RFC 5246 §8.1, §6.3): the suite,
 * the master secret with the randoms, and both directions' record protections. The states from
 * then on (CertificateVerify, Finished) take exactly this.
 */
export interface Keys12 {
  readonly suite: CipherSuite;
  readonly master: MasterKeys;
  readonly protections: Protections;
}

/**
 * RFC 5246 §8.1, RFC 7627 §4: the master secret from a full handshake's premaster secret, over the
 * session hash (the transcript through ClientKeyExchange) when extended_master_secret was agreed.
 */
export function fullHandshakeMaster(
  core: ConnectionCore,
  hs: Handshake12,
  suite: CipherSuite,
  premaster: Uint8Array,
): Uint8Array {
  const sessionHash = hs.extendedMasterSecret ? hs.transcript.current() : undefined;
  return deriveMasterSecret(core.provider, suite.prfHash, premaster, hs.clientRandom, hs.serverRandom, sessionHash);
}

/**
 * Derives both directions' record keys from `masterSecret`; the peer's apply at its
 * ChangeCipherSpec (ours at our own).
 */
export function installKeys(
  core: ConnectionCore,
  hs: Handshake12,
  suite: CipherSuite,
  masterSecret: Uint8Array,
): Keys12 {
  const master: MasterKeys = {
    hash: suite.prfHash,
    masterSecret,
    clientRandom: hs.clientRandom,
    serverRandom: hs.serverRandom,
  };
  core.keylog(hs.config, 'CLIENT_RANDOM', hs.clientRandom, masterSecret);
  // Explicit CBC IVs come from the configured random source, so replays reproduce them.
  const random = hs.config.random;
  const protections = deriveProtections(core.provider, suite, master, hs.encryptThenMac, random);
  core.record.setPendingReadProtection(core.role === 'client' ? protections.server : protections.client);
  return { suite, master, protections };
}

/** The previous handshake's RFC 5746 state, for the next ClientHello's renegotiation_info. */
export function renegotiationState(hs: Handshake12): RenegotiationState {
  return {
    secure: hs.secureRenegotiation,
    clientVerifyData: hs.clientVerifyData,
    serverVerifyData: hs.serverVerifyData,
    renegotiationTimes: hs.renegotiationTimes,
  };
}

/** Whether our configuration lets a renegotiation with this peer go ahead. */
export function renegotiationAllowed(previous: RenegotiationState, config: ConnectionConfig): boolean {
  // Erlang secure_renegotiate (default true): never renegotiate without RFC 5746.
  return previous.secure || config.secureRenegotiate === false;
}

/** Declines a renegotiation with a no_renegotiation warning (RFC 5746 §4.5, RFC 5246 §7.2.2). */
export function refuseRenegotiation(core: ConnectionCore): void {
  // RFC 5246 §7.2.2: no_renegotiation is a warning and the requester decides what to do. One that
  // keeps asking is flooding: past maxIdleRecords requests with nothing else, handshake_failure
  // (we will not negotiate new parameters with it; RFC 5246 §7.2.2).
  core.idleRecords.idle('refused renegotiation request', 'handshake_failure');
  core.record.sendAlert(new TlsAlert('no_renegotiation', undefined, { level: 'warning' }));
}
