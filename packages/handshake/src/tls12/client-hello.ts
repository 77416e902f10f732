/**
 * The TLS 1.2 part of a ClientHello: suites and signalling values (RFC 5746 §3.4, RFC 7507 §4), the
 * session to resume (RFC 5246 §7.4.1.2, RFC 5077 §3.4), and the 1.2 extensions (RFC 8422 §5.1.2
 * ec_point_formats, RFC 7627 extended_master_secret, RFC 7366 encrypt_then_mac, RFC 5077
 * session_ticket, RFC 5746 renegotiation_info, RFC 6066 max_fragment_length).
 * @module
 */
import { type CipherSuite, TLS_EMPTY_RENEGOTIATION_INFO_SCSV, TLS_FALLBACK_SCSV } from '@sslsocket/suites';
import type { ConnectionConfig } from '../config.js';
import type { ConnectionCore } from '../core.js';
import { type Extensions, ExtensionType } from '../messages/extensions.js';
import type { Session12 } from './session.js';
import { configuredSuites12 } from './suites.js';

/** What the client offers for TLS 1.2. */
export interface Tls12Offer {
  readonly suites: CipherSuite[];
  /** Suite codes plus signalling values, as they go in cipher_suites. */
  readonly suiteCodes: number[];
  /** The session offered for resumption, if any. */
  readonly session: Session12 | undefined;
  /** legacy_session_id to send (undefined: let the TLS 1.3 rules decide). */
  readonly sessionId: Uint8Array | undefined;
  /** RFC 5746: our previous verify_data in a renegotiation, undefined in an initial handshake. */
  readonly renegotiationInfo: Uint8Array | undefined;
}

/** The live TLS 1.2 session to offer, if the configuration has one. */
function sessionToOffer(
  core: ConnectionCore,
  config: ConnectionConfig,
  suites: readonly CipherSuite[],
): Session12 | undefined {
  const session = config.session;
  if (session?.version !== 'tlsv1.2') return undefined;
  const age = core.now() - session.receivedAt;
  if (age < 0 || age > session.lifetime * 1000) return undefined;
  if (!suites.some((s) => s.code === session.cipherSuite)) return undefined;
  return session;
}

/**
 * The TLS 1.2 offer, or undefined when no TLS 1.2 suite is configured. `renegotiation` carries our
 * previous Finished verify_data when this ClientHello renegotiates.
 */
export function makeTls12Offer(
  core: ConnectionCore,
  config: ConnectionConfig,
  renegotiation?: Uint8Array,
): Tls12Offer | undefined {
  const suites = configuredSuites12(config);
  if (suites.length === 0) return undefined;
  const session = sessionToOffer(core, config, suites);
  const codes = suites.map((s) => s.code);
  // RFC 5746 §3.4: the SCSV signals secure renegotiation in an initial ClientHello only.
  if (renegotiation === undefined) codes.push(TLS_EMPTY_RENEGOTIATION_INFO_SCSV.code);
  if (config.fallback === true) codes.push(TLS_FALLBACK_SCSV.code);
  let sessionId: Uint8Array | undefined;
  if (session !== undefined) {
    // RFC 5077 §3.4: with a ticket the client makes up a session id to recognise the server's echo.
    sessionId = session.ticket !== undefined ? core.random(32) : session.sessionId;
  }
  return { suites, suiteCodes: codes, session, sessionId, renegotiationInfo: renegotiation };
}

/** Adds the TLS 1.2 extensions to a ClientHello. */
export function addTls12Extensions(exts: Extensions, config: ConnectionConfig, offer: Tls12Offer): void {
  const ecdhe = offer.suites.some((s) => s.keyExchange === 'ecdhe' || s.keyExchange === 'ecdhe_psk');
  // RFC 8422 §5.1.2: only the uncompressed point format.
  if (ecdhe) exts.set(ExtensionType.ec_point_formats, Uint8Array.of(1, 0));
  if (config.sessionTickets12 !== false) {
    exts.set(ExtensionType.session_ticket, offer.session?.ticket ?? new Uint8Array(0));
  }
  if (config.encryptThenMac !== false && offer.suites.some((s) => s.cbc !== undefined)) {
    exts.set(ExtensionType.encrypt_then_mac, new Uint8Array(0));
  }
  // RFC 7627 §5.1: offered in every ClientHello unless turned off (a -no_ems style peer for tests).
  if (config.extendedMasterSecret !== false) exts.set(ExtensionType.extended_master_secret, new Uint8Array(0));
  if (offer.renegotiationInfo !== undefined) {
    exts.set(
      ExtensionType.renegotiation_info,
      Uint8Array.of(offer.renegotiationInfo.length, ...offer.renegotiationInfo),
    );
  }
}
