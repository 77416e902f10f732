/**
 * The TLS 1.2 client (RFC 5246 §7.3, App. F): from the ServerHello to the server Finished, full and
 * abbreviated handshakes, and renegotiation (RFC 5746). One state class per expected message.
 * @module
 */

import type { HandshakeMessageBytes } from '@sslsocket/record';
import { type CipherSuite, type MaybePromise, type PublicKey, TlsAlert } from '@sslsocket/suites';
import { acceptAlpn } from '../alpn.js';
import { equalBytes } from '../bytes.js';
import type { ConnectionConfig } from '../config.js';
import { andThen, type ConnectionCore, expectType, type HandshakeState } from '../core.js';
import { acceptMaxFragmentLength } from '../max-fragment.js';
import { decodeFlag, decodeRecordSizeLimit } from '../messages/extension-bodies.js';
import { ExtensionType } from '../messages/extensions.js';
import { decodeBody, HandshakeType } from '../messages/handshake-type.js';
import { DOWNGRADE_TLS11, DOWNGRADE_TLS12, type ServerHello } from '../messages/hello.js';
import { TLS12 } from '../negotiate.js';
import { authenticatePeer, leafPublicKey } from '../peer-auth.js';
import { sendClientFlight12 } from './client-flight.js';
import { ClientHandshake12, type ClientOffer12 } from './client-handshake.js';
import {
  type Connected12,
  checkFinished12,
  checkRenegotiationInfo,
  completeHandshake12,
  installKeys,
  type Keys12,
  type RenegotiationState,
  sendFinished12,
  verifySignature12,
} from './handshake.js';
import { clientExchangeForm, keyExchangeShape, serverSendsKeyExchange } from './key-exchange.js';
import {
  Certificate12,
  CertificateRequest12,
  CertificateStatus12,
  decodeServerKeyExchange,
  NewSessionTicket12,
} from './messages.js';
import { groupOfParams } from './server-key-exchange.js';
import type { Session12 } from './session.js';
import { keyFitsSuite, schemeCodes12, suiteNeedsCertificate, suiteSignsKeyExchange } from './suites.js';

/** Extensions a TLS 1.2 ServerHello may carry (each only if we offered it). */
const SERVER_HELLO_12_ALLOWED: readonly number[] = [
  ExtensionType.server_name,
  ExtensionType.max_fragment_length,
  ExtensionType.status_request,
  ExtensionType.ec_point_formats,
  ExtensionType.application_layer_protocol_negotiation,
  ExtensionType.encrypt_then_mac,
  ExtensionType.extended_master_secret,
  ExtensionType.record_size_limit,
  ExtensionType.session_ticket,
  ExtensionType.renegotiation_info,
];

/** Handles a TLS 1.2 ServerHello (initial, after the 1.3-capable ClientHello, or renegotiation). */
export function handleServerHello12(
  core: ConnectionCore,
  config: ConnectionConfig,
  offer: ClientOffer12,
  sh: ServerHello,
  message: HandshakeMessageBytes,
  previous: RenegotiationState | undefined,
  connected: Connected12,
): HandshakeState {
  if (sh.legacyVersion !== TLS12) throw new TlsAlert('protocol_version', 'server chose a version we do not support');
  // RFC 8446 §4.1.3: a TLS 1.3 server that negotiates 1.2 with a 1.3-capable client says so.
  const tail = sh.random.subarray(24);
  if (offer.offered13 && (equalBytes(tail, DOWNGRADE_TLS12) || equalBytes(tail, DOWNGRADE_TLS11))) {
    throw new TlsAlert('illegal_parameter', 'downgrade sentinel in ServerHello.random');
  }
  if (sh.compressionMethod !== 0) throw new TlsAlert('illegal_parameter', 'compression method must be null');
  const suite = offer.offer.suites.find((s) => s.code === sh.cipherSuite);
  if (suite === undefined) throw new TlsAlert('illegal_parameter', 'server selected a cipher suite we did not offer');
  const offered = offer.hello.extensions;
  for (const t of sh.extensions.types()) {
    if (!SERVER_HELLO_12_ALLOWED.includes(t) || !offered.has(t)) {
      // RFC 5746 §3.4: renegotiation_info may answer the SCSV too.
      if (t !== ExtensionType.renegotiation_info) {
        throw new TlsAlert('unsupported_extension', `unsolicited extension ${t} in ServerHello`);
      }
    }
  }
  core.record.negotiated('tlsv1.2');
  const hs = new ClientHandshake12(core.provider, config, previous, connected);
  hs.suite = suite;
  hs.clientRandom = offer.hello.random;
  hs.serverRandom = sh.random;
  hs.sessionId = sh.legacySessionIdEcho;
  hs.transcript.start(suite.prfHash);
  hs.update(offer.raw);
  hs.update(message.raw);
  readServerExtensions(core, hs, sh, suite);
  // Resumption: the server echoes the id of the session we offered (RFC 5246 §7.4.1.3).
  const session = offer.offer.session;
  const echoed = sh.legacySessionIdEcho.length > 0 && equalBytes(sh.legacySessionIdEcho, offer.hello.legacySessionId);
  if (echoed && session === undefined)
    throw new TlsAlert('illegal_parameter', 'server resumed a session we did not offer');
  if (echoed && session !== undefined) {
    if (session.cipherSuite !== suite.code)
      throw new TlsAlert('illegal_parameter', 'resumed session with another suite');
    // RFC 7627 §5.3: the extended master secret state must not change on resumption.
    if (session.extendedMasterSecret !== hs.extendedMasterSecret) {
      throw new TlsAlert('handshake_failure', 'extended_master_secret changed on resumption');
    }
    hs.resumed = true;
    hs.session = session;
    hs.sessionId = session.ticket !== undefined ? session.sessionId : sh.legacySessionIdEcho;
    hs.peerChain = [...session.peerCertificates];
    const keys = installKeys(core, hs, suite, session.masterSecret);
    return hs.ticketExpected
      ? new ExpectNewSessionTicket12(core, hs, keys)
      : new ExpectServerFinished12(core, hs, keys);
  }
  // RFC 7627: always offered and preferred; its absence refused only on request (see ConnectionConfig).
  if (!hs.extendedMasterSecret && config.requireExtendedMasterSecret === true) {
    throw new TlsAlert('handshake_failure', 'server does not support extended master secret (RFC 7627)');
  }
  if (suiteNeedsCertificate(suite)) return new ExpectServerCertificate12(core, hs, suite);
  return new ExpectServerKeyExchange12(core, hs, suite);
}

/** ServerHello extensions: RFC 5746, 7627, 7366, 7301, 6066, 8449, 5077. */
function readServerExtensions(core: ConnectionCore, hs: ClientHandshake12, sh: ServerHello, suite: CipherSuite): void {
  const config = hs.config;
  const exts = sh.extensions;
  const reneg = exts.get(ExtensionType.renegotiation_info);
  if (reneg !== undefined) {
    // RFC 5746 §3.4 / §3.5: empty in an initial handshake, both verify_data in a renegotiation.
    checkRenegotiationInfo(hs, reneg, 'server');
    hs.secureRenegotiation = true;
  } else if (hs.previous?.secure === true) {
    // RFC 5746 §3.5: a server that supported secure renegotiation must keep doing so.
    throw new TlsAlert('handshake_failure', 'renegotiation_info missing in a secure renegotiation');
  }
  hs.extendedMasterSecret = decodeFlag(exts.get(ExtensionType.extended_master_secret), 'extended_master_secret');
  if (exts.has(ExtensionType.encrypt_then_mac)) {
    // RFC 7366 §3: only for a CBC suite.
    if (suite.cbc === undefined) throw new TlsAlert('illegal_parameter', 'encrypt_then_mac with an AEAD suite');
    hs.encryptThenMac = true;
  }
  hs.alpn = acceptAlpn(config, exts.get(ExtensionType.application_layer_protocol_negotiation));
  // As in TLS 1.3: the name we asked for (servers do not acknowledge SNI when resuming).
  if (config.serverName !== false) hs.serverName = config.serverName;
  const limit = exts.get(ExtensionType.record_size_limit);
  // RFC 8449 §4: in TLS 1.2 the limit counts plaintext bytes only.
  if (limit !== undefined) hs.peerRecordSizeLimit = decodeRecordSizeLimit(limit);
  core.record.applyRecordLimits({
    version: 'tlsv1.2',
    peerRecordSizeLimit: hs.peerRecordSizeLimit,
    ownRecordSizeLimit: config.recordSizeLimit,
    maxFragmentLength: acceptMaxFragmentLength(config, exts.get(ExtensionType.max_fragment_length)),
  });
  hs.ticketExpected = exts.has(ExtensionType.session_ticket);
  hs.statusRequested = exts.has(ExtensionType.status_request);
}

export class ExpectServerCertificate12 implements HandshakeState {
  readonly name = 'ExpectServerCertificate12';
  constructor(
    private readonly core: ConnectionCore,
    private readonly hs: ClientHandshake12,
    /** The suite the ServerHello chose. */
    private readonly suite: CipherSuite,
  ) {}

  handle(message: HandshakeMessageBytes): HandshakeState {
    expectType(message, HandshakeType.certificate, this.name);
    const cert = decodeBody(message.body, Certificate12.decode);
    if (cert.chain.length === 0) throw new TlsAlert('decode_error', 'empty server Certificate');
    const key = leafPublicKey(cert.chain[0] as Uint8Array);
    if (!keyFitsSuite(key, this.suite)) {
      throw new TlsAlert('unsupported_certificate', 'the certificate key does not fit the cipher suite');
    }
    this.hs.peerChain = cert.chain;
    this.hs.peerKey = key;
    this.hs.update(message.raw);
    return new ExpectServerKeyExchange12(this.core, this.hs, this.suite);
  }
}

export class ExpectServerKeyExchange12 implements HandshakeState {
  readonly name = 'ExpectServerKeyExchange12';
  constructor(
    private readonly core: ConnectionCore,
    private readonly hs: ClientHandshake12,
    /** The suite the ServerHello chose. */
    private readonly suite: CipherSuite,
  ) {}

  handle(message: HandshakeMessageBytes): MaybePromise<HandshakeState> {
    const hs = this.hs;
    const suite = this.suite;
    if (message.type === HandshakeType.certificate_status && hs.statusRequested && hs.ocspResponse === undefined) {
      hs.ocspResponse = decodeBody(message.body, CertificateStatus12.decode).ocspResponse;
      hs.update(message.raw);
      return this;
    }
    // psk / rsa_psk send ServerKeyExchange only with a hint; rsa never.
    const optional = !serverSendsKeyExchange(suite, undefined);
    if (message.type !== HandshakeType.server_key_exchange && optional) {
      return new ExpectCertificateRequestOrDone12(this.core, hs, suite).handle(message);
    }
    expectType(message, HandshakeType.server_key_exchange, this.name);
    if (suite.keyExchange === 'rsa')
      throw new TlsAlert('unexpected_message', 'ServerKeyExchange with RSA key exchange');
    const shape = keyExchangeShape(suite);
    const ske = decodeBody(message.body, (r) => decodeServerKeyExchange(r, shape));
    hs.identityHint = ske.identityHint;
    hs.params = ske.params;
    if (ske.params !== undefined) hs.group = groupOfParams(ske.params);
    hs.update(message.raw);
    if (!suiteSignsKeyExchange(suite)) return new ExpectCertificateRequestOrDone12(this.core, hs, suite);
    const content = new Uint8Array(64 + ske.paramsRaw.length);
    content.set(hs.clientRandom, 0);
    content.set(hs.serverRandom, 32);
    content.set(ske.paramsRaw, 64);
    const offered = schemeCodes12(this.hs.config.signatureAlgs);
    const checked = verifySignature12(
      this.core,
      ske.signatureScheme as number,
      offered,
      hs.peerKey as PublicKey,
      content,
      ske.signature as Uint8Array,
    );
    return andThen(checked, (scheme) => {
      hs.signatureScheme = scheme;
      return new ExpectCertificateRequestOrDone12(this.core, hs, suite);
    });
  }
}

export class ExpectCertificateRequestOrDone12 implements HandshakeState {
  readonly name = 'ExpectCertificateRequestOrDone12';
  constructor(
    private readonly core: ConnectionCore,
    private readonly hs: ClientHandshake12,
    /** The suite the ServerHello chose. */
    private readonly suite: CipherSuite,
  ) {}

  handle(message: HandshakeMessageBytes): MaybePromise<HandshakeState> {
    const hs = this.hs;
    if (message.type === HandshakeType.certificate_request && hs.certificateRequest === undefined) {
      // RFC 5246 §7.4.4: anonymous servers must not request a certificate.
      if (!suiteNeedsCertificate(this.suite)) {
        throw new TlsAlert('handshake_failure', 'CertificateRequest from an unauthenticated server');
      }
      hs.certificateRequest = decodeBody(message.body, CertificateRequest12.decode);
      hs.update(message.raw);
      return this;
    }
    expectType(message, HandshakeType.server_hello_done, this.name);
    if (message.body.length !== 0) throw new TlsAlert('decode_error', 'ServerHelloDone must be empty');
    hs.update(message.raw);
    const core = this.core;
    const verified =
      hs.peerChain.length > 0
        ? authenticatePeer(core, hs.config, hs.peerChain, { ocspResponse: hs.ocspResponse })
        : hs.peerKey;
    return andThen(verified, (key) => {
      if (key !== undefined) hs.peerKey = key;
      if (clientExchangeForm(this.suite) === 'rsa' && hs.peerKey === undefined) {
        throw new TlsAlert('handshake_failure', 'no server key for RSA key exchange');
      }
      return andThen(sendClientFlight12(core, hs, this.suite), (keys) =>
        hs.ticketExpected ? new ExpectNewSessionTicket12(core, hs, keys) : new ExpectServerFinished12(core, hs, keys),
      );
    });
  }
}

export class ExpectNewSessionTicket12 implements HandshakeState {
  readonly name = 'ExpectNewSessionTicket12';
  constructor(
    private readonly core: ConnectionCore,
    private readonly hs: ClientHandshake12,
    private readonly keys: Keys12,
  ) {}

  handle(message: HandshakeMessageBytes): HandshakeState {
    // RFC 5077 §3.3: the server may still decide not to send a ticket after acknowledging the extension.
    if (message.type === HandshakeType.finished)
      return new ExpectServerFinished12(this.core, this.hs, this.keys).handle(message);
    expectType(message, HandshakeType.new_session_ticket, this.name);
    const nst = decodeBody(message.body, NewSessionTicket12.decode);
    if (nst.ticket.length > 0) {
      this.hs.ticket = nst.ticket;
      this.hs.ticketLifetime = nst.lifetimeHint;
    }
    this.hs.update(message.raw);
    return new ExpectServerFinished12(this.core, this.hs, this.keys);
  }
}

/** RFC 5246 §7.4.9: the server's Finished, checked with the master secret. */
export class ExpectServerFinished12 implements HandshakeState {
  readonly name = 'ExpectServerFinished12';
  constructor(
    private readonly core: ConnectionCore,
    private readonly hs: ClientHandshake12,
    private readonly keys: Keys12,
  ) {}

  handle(message: HandshakeMessageBytes): HandshakeState {
    expectType(message, HandshakeType.finished, this.name);
    const core = this.core;
    const hs = this.hs;
    const keys = this.keys;
    checkFinished12(core, hs, keys, message);
    if (hs.resumed) {
      // RFC 5246 §7.3: in an abbreviated handshake the client's CCS and Finished come last.
      core.record.changeWriteProtection12(keys.protections.client);
      sendFinished12(core, hs, keys);
    }
    emitSession(core, hs, keys);
    completeHandshake12(core, hs, keys);
    return hs.connected(core, hs);
  }
}

/** Gives the driver a resumable session: a new one, or the resumed one again with a fresh ticket. */
function emitSession(core: ConnectionCore, hs: ClientHandshake12, keys: Keys12): void {
  const ticket = hs.ticket ?? (hs.resumed ? hs.session?.ticket : undefined);
  if (hs.sessionId.length === 0 && ticket === undefined) return;
  const config = hs.config;
  const session: Session12 = {
    version: 'tlsv1.2',
    sessionId: hs.sessionId,
    ticket,
    masterSecret: keys.master.masterSecret,
    cipherSuite: keys.suite.code,
    extendedMasterSecret: hs.extendedMasterSecret,
    lifetime: hs.ticket !== undefined && hs.ticketLifetime > 0 ? hs.ticketLifetime : (hs.session?.lifetime ?? 7200),
    receivedAt: hs.resumed && hs.ticket === undefined ? (hs.session?.receivedAt ?? core.now()) : core.now(),
    serverName: config.serverName === false ? undefined : config.serverName,
    alpn: hs.alpn,
    peerCertificates: hs.peerChain,
  };
  core.emit({ type: 'newSessionTicket', session });
}
