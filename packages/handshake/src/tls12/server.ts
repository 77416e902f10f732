/**
 * The TLS 1.2 server from the ClientHello to its first flight (RFC 5246 §7.3): resumption by session
 * id or ticket (RFC 5077), otherwise certificate, suite, group and signature choice, the ServerHello
 * extensions, and Certificate / CertificateStatus / ServerKeyExchange / CertificateRequest /
 * ServerHelloDone.
 * @module
 */

import type { HandshakeMessageBytes } from '@sslsocket/record';
import {
  type CipherSuite,
  type GroupName,
  type MaybePromise,
  suiteByCode,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
  TlsAlert,
} from '@sslsocket/suites';
import { selectAlpn } from '../alpn.js';
import { utf8 } from '../bytes.js';
import type { CertifiedKey, ConnectionConfig } from '../config.js';
import { andThen, type ConnectionCore, type HandshakeState } from '../core.js';
import { echoMaxFragmentLength, requestedMaxFragmentLength } from '../max-fragment.js';
import { decodeFlag, decodeRecordSizeLimit, encodeAlpn, encodeU16 } from '../messages/extension-bodies.js';
import { Extensions, ExtensionType } from '../messages/extensions.js';
import { frameHandshake, HandshakeType } from '../messages/handshake-type.js';
import { type ClientHello, DOWNGRADE_TLS12, ServerHello } from '../messages/hello.js';
import { clientServerName, configuredVersions, selectCertificate, TLS12 } from '../negotiate.js';
import { skipOnStoreFailure } from '../store-failure.js';
import { currentTicketKeys, hasTicketKeys } from '../ticket-keys.js';
import {
  type Connected12,
  checkRenegotiationInfo,
  installKeys,
  type RenegotiationState,
  renegotiationInfoBody,
  send12,
  sendFinished12,
} from './handshake.js';
import { serverSendsKeyExchange } from './key-exchange.js';
import { Certificate12, CertificateRequest12, CertificateStatus12, ClientCertificateType } from './messages.js';
import { ServerHandshake12, sendTicket } from './server-handshake.js';
import { buildServerKeyExchange } from './server-key-exchange.js';
import { selectSuite12 } from './server-select.js';
import { ExpectClientCertificate12, ExpectClientFinished12, ExpectClientKeyExchange12 } from './server-states.js';
import { openTicket12, type ServerSession12 } from './session.js';
import { keepsSessions, lookupSession12 } from './session-lookup.js';
import { configuredSuites12, type Scheme12, schemeCodes12, schemeName } from './suites.js';

/** RFC 5746 §3.6-§3.7 for the ClientHello: whether the client supports secure renegotiation. */
function checkClientRenegotiation(hs: ServerHandshake12, ch: ClientHello): boolean {
  const ext = ch.extensions.get(ExtensionType.renegotiation_info);
  const scsv = ch.cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV.code);
  if (hs.previous === undefined) {
    if (ext !== undefined) checkRenegotiationInfo(hs, ext, 'client');
    return ext !== undefined || scsv;
  }
  if (scsv) throw new TlsAlert('handshake_failure', 'renegotiation SCSV in a renegotiation ClientHello');
  if (hs.previous.secure) {
    if (ext === undefined) throw new TlsAlert('handshake_failure', 'renegotiation_info missing in a renegotiation');
    checkRenegotiationInfo(hs, ext, 'client');
    return true;
  }
  if (ext !== undefined) throw new TlsAlert('handshake_failure', 'renegotiation_info after an insecure handshake');
  return false;
}

/** Handles a ClientHello that negotiates TLS 1.2 (initial or renegotiation). */
export function handleClientHello12(
  core: ConnectionCore,
  config: ConnectionConfig,
  ch: ClientHello,
  message: HandshakeMessageBytes,
  previous: RenegotiationState | undefined,
  connected: Connected12,
): MaybePromise<HandshakeState> {
  if (!ch.compressionMethods.includes(0)) throw new TlsAlert('illegal_parameter', 'null compression not offered');
  core.record.negotiated('tlsv1.2');
  const hs = new ServerHandshake12(core.provider, config, previous, connected);
  hs.clientRandom = ch.random;
  hs.secureRenegotiation = checkClientRenegotiation(hs, ch);
  // RFC 7627 §5.1: decoded (an extension body is decode_error) even when we do not use it.
  const clientEms = decodeFlag(ch.extensions.get(ExtensionType.extended_master_secret), 'extended_master_secret');
  hs.extendedMasterSecret = clientEms && config.extendedMasterSecret !== false;
  hs.serverName = clientServerName(ch);
  return andThen(findSession(core, hs, ch), (session) => {
    if (session !== undefined) return resume(core, hs, ch, message, session);
    // RFC 7627 is preferred (always answered), required only on request: deployed stacks without it
    // (older Go, GnuTLS %NO_SESSION_HASH, embedded stacks) connect to every mainstream server.
    if (!hs.extendedMasterSecret && config.requireExtendedMasterSecret === true) {
      throw new TlsAlert('handshake_failure', 'client does not support extended master secret (RFC 7627)');
    }
    const certificate = selectCertificate(config, hs.serverName);
    return andThen(certificate, (certified) => fullHandshake(core, hs, ch, message, certified));
  });
}

/** A session to resume: by ticket (RFC 5077 §3.1) or by id from the cache, if still acceptable. */
function findSession(
  core: ConnectionCore,
  hs: ServerHandshake12,
  ch: ClientHello,
): MaybePromise<ServerSession12 | undefined> {
  const config = hs.config;
  const ticket = ch.extensions.get(ExtensionType.session_ticket);
  const keys = config.ticketKeys;
  // Tickets live for ticketLifetime; cached sessions for the cache's own lifetime (checked by get()).
  const usable = (s: ServerSession12 | undefined, lifetime = Number.POSITIVE_INFINITY): ServerSession12 | undefined => {
    if (s === undefined) return undefined;
    const suite = suiteByCode(s.cipherSuite);
    const now = core.now();
    if (suite === undefined || !ch.cipherSuites.includes(s.cipherSuite)) return undefined;
    if (!configuredSuites12(config).some((o) => o.code === s.cipherSuite)) return undefined;
    // RFC 7627 §5.3: a session without EMS is not resumed by a hello with it (a full handshake
    // follows); one with EMS offered by a hello without it aborts (below, once it is otherwise usable).
    if (!s.extendedMasterSecret && hs.extendedMasterSecret) return undefined;
    if ((hs.serverName ?? '') !== s.serverName) return undefined;
    if (now < s.createdAt || now - s.createdAt > lifetime) return undefined;
    const policy = config.reuseSessionPolicy;
    if (
      policy !== undefined &&
      !policy({ sessionId: ch.legacySessionId, peerCertificates: s.peerCertificates, cipherSuite: s.cipherSuite })
    ) {
      return undefined;
    }
    if (s.extendedMasterSecret && !hs.extendedMasterSecret) {
      // RFC 7627 §5.3: "the server MUST abort the abbreviated handshake" (OpenSSL: handshake_failure).
      throw new TlsAlert('handshake_failure', 'session used extended master secret; this ClientHello does not');
    }
    return s;
  };
  if (ticket !== undefined && ticket.length > 0 && hasTicketKeys(keys)) {
    // A failing key provider only means the ticket cannot be opened: a full handshake (RFC 5077 §3.4).
    const list = skipOnStoreFailure(core, 'openTicket', () => currentTicketKeys(keys), []);
    const opened = andThen(list, (l) => (l.length === 0 ? undefined : openTicket12(core.provider, l, ticket)));
    return andThen(opened, (s) => {
      const ok = usable(s, (config.ticketLifetime ?? 7200) * 1000);
      if (ok !== undefined) hs.sessionId = ch.legacySessionId;
      return ok;
    });
  }
  if (ch.legacySessionId.length > 0 && keepsSessions(config)) {
    // A failing store is a cache miss: a full handshake (RFC 5246 §7.4.1.2).
    const lookup = skipOnStoreFailure(
      core,
      'lookup',
      () => lookupSession12(core, config, ch.legacySessionId),
      undefined,
    );
    return andThen(lookup, (found) => {
      const s = usable(found);
      if (s !== undefined) hs.sessionId = ch.legacySessionId;
      return s;
    });
  }
  return undefined;
}

/** Whether to send a ticket: the client asked (RFC 5077 §3.2) and we have ticket keys. */
function wantsTicket(config: ConnectionConfig, ch: ClientHello): boolean {
  return (
    ch.extensions.has(ExtensionType.session_ticket) && hasTicketKeys(config.ticketKeys) && (config.ticketCount ?? 1) > 0
  );
}

/** ALPN, SNI, record_size_limit and max_fragment_length answers shared by both handshake kinds. */
function commonExtensions(
  core: ConnectionCore,
  hs: ServerHandshake12,
  suite: CipherSuite,
  ch: ClientHello,
  exts: Extensions,
): void {
  const config = hs.config;
  if (hs.secureRenegotiation) exts.set(ExtensionType.renegotiation_info, renegotiationInfoBody(hs, 'server'));
  if (hs.extendedMasterSecret) exts.set(ExtensionType.extended_master_secret, new Uint8Array(0));
  if (suite.cbc !== undefined && ch.extensions.has(ExtensionType.encrypt_then_mac) && config.encryptThenMac !== false) {
    hs.encryptThenMac = true;
    exts.set(ExtensionType.encrypt_then_mac, new Uint8Array(0));
  }
  hs.alpn = selectAlpn(config, ch.extensions.get(ExtensionType.application_layer_protocol_negotiation));
  if (hs.alpn !== undefined) {
    exts.set(ExtensionType.application_layer_protocol_negotiation, encodeAlpn([utf8(hs.alpn)]));
  }
  const limit = ch.extensions.get(ExtensionType.record_size_limit);
  if (limit !== undefined) {
    // RFC 8449 §4: in TLS 1.2 the limit is plaintext bytes.
    hs.peerRecordSizeLimit = decodeRecordSizeLimit(limit);
    if (config.recordSizeLimit !== undefined) {
      exts.set(ExtensionType.record_size_limit, encodeU16(config.recordSizeLimit));
    }
  }
  core.record.applyRecordLimits({
    version: 'tlsv1.2',
    peerRecordSizeLimit: hs.peerRecordSizeLimit,
    ownRecordSizeLimit: config.recordSizeLimit,
    // RFC 8449 §5: record_size_limit wins over max_fragment_length.
    maxFragmentLength: echoMaxFragmentLength(requestedMaxFragmentLength(ch.extensions), exts),
  });
}

/** ServerHello.random: 32 random bytes, ending in the RFC 8446 §4.1.3 sentinel when we support 1.3. */
function serverRandom(core: ConnectionCore, config: ConnectionConfig): Uint8Array {
  const random = core.random(32);
  if (configuredVersions(config).includes('tlsv1.3')) random.set(DOWNGRADE_TLS12, 24);
  return random;
}

function sendServerHello(
  core: ConnectionCore,
  hs: ServerHandshake12,
  suite: CipherSuite,
  message: HandshakeMessageBytes,
  exts: Extensions,
): void {
  hs.serverRandom = serverRandom(core, hs.config);
  hs.transcript.start(suite.prfHash);
  hs.update(message.raw);
  const sh = new ServerHello(TLS12, hs.serverRandom, hs.sessionId, suite.code, 0, exts);
  send12(core, hs, frameHandshake(HandshakeType.server_hello, sh));
}

/** RFC 5246 §7.3 abbreviated handshake: ServerHello, [NewSessionTicket], CCS, Finished. */
function resume(
  core: ConnectionCore,
  hs: ServerHandshake12,
  ch: ClientHello,
  message: HandshakeMessageBytes,
  session: ServerSession12,
): MaybePromise<HandshakeState> {
  hs.resumed = true;
  // findSession resumes only sessions whose suite the registry knows and we still allow.
  const suite = suiteByCode(session.cipherSuite) as CipherSuite;
  hs.suite = suite;
  hs.peerChain = [...session.peerCertificates];
  const exts = new Extensions();
  commonExtensions(core, hs, suite, ch, exts);
  hs.issueTicket = wantsTicket(hs.config, ch) && ch.extensions.get(ExtensionType.session_ticket)?.length !== 0;
  if (hs.issueTicket) exts.set(ExtensionType.session_ticket, new Uint8Array(0));
  sendServerHello(core, hs, suite, message, exts);
  const keys = installKeys(core, hs, suite, session.masterSecret);
  const ticket = hs.issueTicket ? sendTicket(core, hs, keys) : undefined;
  return andThen(ticket, () => {
    core.record.changeWriteProtection12(keys.protections.server);
    sendFinished12(core, hs, keys);
    return new ExpectClientFinished12(core, hs, keys);
  });
}

function fullHandshake(
  core: ConnectionCore,
  hs: ServerHandshake12,
  ch: ClientHello,
  message: HandshakeMessageBytes,
  certified: CertifiedKey | undefined,
): MaybePromise<HandshakeState> {
  const config = hs.config;
  const selection = selectSuite12(config, ch, certified);
  if (selection === undefined) throw new TlsAlert('handshake_failure', 'no cipher suite in common');
  const suite = selection.suite;
  hs.suite = suite;
  hs.group = selection.group;
  hs.certified = certified;
  hs.signatureScheme = selection.scheme === undefined ? undefined : schemeName(selection.scheme.code);
  const exts = new Extensions();
  commonExtensions(core, hs, suite, ch, exts);
  if (hs.serverName !== undefined) exts.set(ExtensionType.server_name, new Uint8Array(0));
  if (ch.extensions.has(ExtensionType.ec_point_formats) && suite.keyExchange.startsWith('ecdh')) {
    exts.set(ExtensionType.ec_point_formats, Uint8Array.of(1, 0));
  }
  hs.issueTicket = wantsTicket(hs.config, ch);
  if (hs.issueTicket) exts.set(ExtensionType.session_ticket, new Uint8Array(0));
  const staple = ch.extensions.has(ExtensionType.status_request) ? config.ocspResponse : undefined;
  if (staple !== undefined && certified !== undefined) exts.set(ExtensionType.status_request, new Uint8Array(0));
  // A session id for the cache; with only tickets an id still lets the client spot resumption.
  hs.sessionId = keepsSessions(config) || hs.issueTicket ? core.random(32) : new Uint8Array(0);
  sendServerHello(core, hs, suite, message, exts);
  const needsCert = certified !== undefined && (suite.authentication === 'ecdsa' || suite.authentication === 'rsa');
  if (needsCert) {
    send12(core, hs, frameHandshake(HandshakeType.certificate, new Certificate12([...certified.certificateChain])));
    if (staple !== undefined)
      send12(core, hs, frameHandshake(HandshakeType.certificate_status, new CertificateStatus12(staple)));
  }
  const hint = config.pskIdentityHint;
  const ske = serverSendsKeyExchange(suite, hint)
    ? buildServerKeyExchange(
        core,
        config,
        suite,
        { client: hs.clientRandom, server: hs.serverRandom },
        selection.group as GroupName | undefined,
        selection.group === undefined ? config.dhParameters : undefined,
        hint,
        selection.scheme === undefined
          ? undefined
          : { key: (certified as CertifiedKey).privateKey, scheme: selection.scheme as Scheme12 },
      )
    : undefined;
  return andThen(ske, (built) => {
    if (built !== undefined) {
      hs.ephemeral = built.ephemeral;
      send12(core, hs, frameHandshake(HandshakeType.server_key_exchange, built.body));
    }
    if (needsCert && config.verifyPeer === true) {
      hs.certificateRequested = true;
      hs.requestedSchemes = schemeCodes12(config.signatureAlgs);
      const request = new CertificateRequest12(
        [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign],
        hs.requestedSchemes,
        [...(config.certificateAuthorities ?? [])],
      );
      send12(core, hs, frameHandshake(HandshakeType.certificate_request, request));
    }
    send12(core, hs, frameHandshake(HandshakeType.server_hello_done, new Uint8Array(0)));
    return hs.certificateRequested
      ? new ExpectClientCertificate12(core, hs, suite)
      : new ExpectClientKeyExchange12(core, hs, suite);
  });
}
