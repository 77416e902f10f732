/**
 * Building the client's ClientHello (RFC 8446 §4.1.2), including key shares, GREASE (RFC 8701),
 * the PSK offer and its binder (§4.2.11.2). The retry after a HelloRetryRequest reuses this.
 * @module
 */
import {
  type CipherSuite,
  type GroupName,
  groupByName,
  isPromiseLike,
  type KeyShare,
  type MaybePromise,
  sniHostName,
  TlsAlert,
} from '@sslsocket/suites';
import { utf8 } from './bytes.js';
import { offerCertificateTypes } from './certificate-type.js';
import type { ConnectionConfig } from './config.js';
import type { ConnectionCore } from './core.js';
import { offerMaxFragmentLength } from './max-fragment.js';
import {
  encodeAlpn,
  encodeCookie,
  encodeKeyShareClient,
  encodeNamedGroupList,
  encodeOfferedPsks,
  encodePskModes,
  encodeServerName,
  encodeSignatureSchemeList,
  encodeStatusRequest,
  encodeSupportedVersionsClient,
  encodeU16,
} from './messages/extension-bodies.js';
import { Extensions, ExtensionType } from './messages/extensions.js';
import { frameHandshake, HandshakeType } from './messages/handshake-type.js';
import { ClientHello } from './messages/hello.js';
import {
  configuredGroups,
  configuredSuites,
  configuredVersions,
  groupCode,
  hasTls13Suites,
  schemeCodes,
  TLS12,
  TLS13,
} from './negotiate.js';
import { addTls12Extensions, makeTls12Offer, type Tls12Offer } from './tls12/client-hello.js';
import { schemeCodes12 } from './tls12/suites.js';
import { offerCertificateCompression } from './tls13/certificate-compression.js';
import { binderKey, earlySecret, finishedVerifyData, hashLength } from './tls13/key-schedule.js';

/** A PSK the client offers: from a resumption ticket or configured externally. */
export interface OfferedPsk {
  readonly identity: Uint8Array;
  readonly obfuscatedTicketAge: number;
  readonly key: Uint8Array;
  readonly suiteHash: CipherSuite['prfHash'];
  readonly external: boolean;
  /** The ticket's suite (resumption) and whether 0-RTT data goes with it. */
  readonly suite: CipherSuite | undefined;
  readonly earlyData: boolean;
}

/** Everything the client remembers between its hellos and the server's answers. */
export interface ClientHelloState {
  readonly hello: ClientHello;
  readonly raw: Uint8Array;
  readonly keyShares: Map<number, KeyShare>;
  /** The TLS 1.3 suites offered (empty when TLS 1.3 is not offered). */
  readonly suites: CipherSuite[];
  readonly psk: OfferedPsk | undefined;
  readonly grease: number;
  /** What was offered for TLS 1.2 (undefined when TLS 1.2 is not offered). */
  readonly offer12: Tls12Offer | undefined;
}

/** A GREASE value derived from random bytes: 0x?A?A (RFC 8701 §2). */
export function greaseValue(byte: number): number {
  const nibble = (byte & 0xf0) | 0x0a;
  return (nibble << 8) | nibble;
}

export function pskModeCodes(config: ConnectionConfig): number[] {
  return (config.pskModes ?? ['psk_dhe_ke']).map((m) => (m === 'psk_ke' ? 0 : 1));
}

/** The PSK to offer, if any: a live session whose suite we still allow, or an external PSK. */
export function choosePsk(
  core: ConnectionCore,
  config: ConnectionConfig,
  suites: CipherSuite[],
): OfferedPsk | undefined {
  const session = config.session;
  if (session !== undefined && session.version !== 'tlsv1.2') {
    const suite = suites.find((s) => s.code === session.cipherSuite);
    const age = core.now() - session.receivedAt;
    if (suite !== undefined && age >= 0 && age <= session.lifetime * 1000) {
      return {
        identity: session.ticket,
        // RFC 8446 §4.2.11.1: obfuscated_ticket_age = age in ms + ticket_age_add, mod 2^32.
        obfuscatedTicketAge: (Math.floor(age) + session.ticketAgeAdd) >>> 0,
        key: session.psk,
        suiteHash: suite.prfHash,
        external: false,
        suite,
        earlyData:
          session.maxEarlyDataSize > 0 &&
          config.earlyData !== undefined &&
          config.earlyData.length <= session.maxEarlyDataSize,
      };
    }
  }
  const ext = config.externalPsk;
  if (ext !== undefined) {
    return {
      identity: ext.identity,
      obfuscatedTicketAge: 0,
      key: ext.key,
      suiteHash: ext.hash === 'SHA-384' ? 'SHA-384' : 'SHA-256',
      external: true,
      suite: undefined,
      earlyData: false,
    };
  }
  return undefined;
}

/** Computes key shares for `groups` (sequentially; each may be a Promise). */
export function makeKeyShares(
  core: ConnectionCore,
  config: ConnectionConfig,
  groups: readonly GroupName[],
): MaybePromise<Map<number, KeyShare>> {
  const out = new Map<number, KeyShare>();
  const next = (i: number): MaybePromise<Map<number, KeyShare>> => {
    const group = groups[i];
    if (group === undefined) return out;
    const share = core.provider.keyShare(group, config.keyShareSecret?.(group));
    const add = (s: KeyShare): MaybePromise<Map<number, KeyShare>> => {
      out.set(groupCode(group), s);
      return next(i + 1);
    };
    return isPromiseLike(share) ? share.then(add) : add(share);
  };
  return next(0);
}

/** Builds ClientHello extensions in our default order, honouring config.extensionOrder. */
export function helloExtensions(
  config: ConnectionConfig,
  keyShares: Map<number, KeyShare>,
  psk: OfferedPsk | undefined,
  cookie: Uint8Array | undefined,
  grease: number,
  offer12?: Tls12Offer,
  offer13 = true,
): Extensions {
  const exts = new Extensions();
  const useGrease = config.grease === true;
  // RFC 6066 §3: the host name goes out without a trailing dot ("example.com." → "example.com").
  const sni = config.serverName === false || config.serverName === undefined ? '' : sniHostName(config.serverName);
  if (sni !== '') exts.set(ExtensionType.server_name, encodeServerName(sni));
  const groups = configuredGroups(config)
    .filter((g) => offer13 || groupByName(g)?.versions.includes('tlsv1.2') === true)
    .map(groupCode);
  exts.set(ExtensionType.supported_groups, encodeNamedGroupList(useGrease ? [grease, ...groups] : groups));
  const schemes = offer12 !== undefined ? schemeCodes12(config.signatureAlgs) : schemeCodes(config.signatureAlgs);
  exts.set(ExtensionType.signature_algorithms, encodeSignatureSchemeList(schemes));
  if (config.signatureAlgsCert !== undefined) {
    exts.set(ExtensionType.signature_algorithms_cert, encodeSignatureSchemeList(schemeCodes(config.signatureAlgsCert)));
  }
  if (offer13) {
    const versions = offer12 !== undefined ? [TLS13, TLS12] : [TLS13];
    exts.set(
      ExtensionType.supported_versions,
      encodeSupportedVersionsClient(useGrease ? [grease, ...versions] : versions),
    );
    const shares = [...keyShares].map(([group, s]) => ({ group, keyExchange: s.publicKey }));
    if (useGrease) shares.unshift({ group: grease, keyExchange: Uint8Array.of(0) });
    exts.set(ExtensionType.key_share, encodeKeyShareClient(shares));
    exts.set(ExtensionType.psk_key_exchange_modes, encodePskModes(pskModeCodes(config)));
    // RFC 7250 raw public keys: negotiated for TLS 1.3 only.
    offerCertificateTypes(config, exts);
    offerCertificateCompression(config, exts);
  }
  if (offer12 !== undefined) addTls12Extensions(exts, config, offer12);
  if (config.alpn !== undefined && config.alpn.length > 0) {
    exts.set(ExtensionType.application_layer_protocol_negotiation, encodeAlpn(config.alpn.map(utf8)));
  }
  if (config.recordSizeLimit !== undefined)
    exts.set(ExtensionType.record_size_limit, encodeU16(config.recordSizeLimit));
  // RFC 6066 §4: in TLS 1.3 offers too (a 1.3-only client may send it; the answer is in EE).
  offerMaxFragmentLength(config, exts);
  if (config.ocspStapling === true) exts.set(ExtensionType.status_request, encodeStatusRequest());
  if (config.postHandshakeAuth === true) exts.set(ExtensionType.post_handshake_auth, new Uint8Array(0));
  if (cookie !== undefined) exts.set(ExtensionType.cookie, encodeCookie(cookie));
  // RFC 8446 §4.2.10: early data only with the first ClientHello and a ticket that allows it.
  if (psk?.earlyData === true && cookie === undefined) exts.set(ExtensionType.early_data, new Uint8Array(0));
  for (const e of config.extraExtensions ?? []) exts.set(e.type, e.data);
  if (useGrease) exts.set(grease ^ 0x1010, new Uint8Array(0));
  let ordered = exts;
  if (config.extensionOrder !== undefined) {
    const order = config.extensionOrder;
    const rank = (t: number): number => (order.includes(t) ? order.indexOf(t) : order.length);
    ordered = new Extensions([...exts.list].sort((a, b) => rank(a.type) - rank(b.type)));
  }
  // RFC 8446 §4.2.11: pre_shared_key must be the last extension; binders are patched in later.
  if (psk !== undefined) {
    const binder = new Uint8Array(hashLength(psk.suiteHash));
    ordered.set(
      ExtensionType.pre_shared_key,
      encodeOfferedPsks({
        identities: [{ identity: psk.identity, obfuscatedTicketAge: psk.obfuscatedTicketAge }],
        binders: [binder],
      }),
    );
  }
  return ordered;
}

/**
 * Frames the ClientHello and fills in the PSK binder (RFC 8446 §4.2.11.2): HMAC over the transcript
 * up to and excluding the binders list. `prefixHash` computes the transcript hash of a truncated hello.
 */
export function frameClientHello(
  core: ConnectionCore,
  config: ConnectionConfig,
  hello: ClientHello,
  psk: OfferedPsk | undefined,
  prefixHash: (truncated: Uint8Array) => Uint8Array,
): Uint8Array {
  if (config.padding !== false) addPadding(hello);
  const raw = frameHandshake(HandshakeType.client_hello, hello);
  if (psk === undefined) return raw;
  const length = hashLength(psk.suiteHash);
  const truncated = raw.subarray(0, raw.length - (2 + 1 + length));
  const early = earlySecret(core.provider, psk.suiteHash, psk.key);
  const key = binderKey(core.provider, psk.suiteHash, early, psk.external);
  const binder = finishedVerifyData(core.provider, psk.suiteHash, key, prefixHash(truncated));
  raw.set(binder, raw.length - length);
  // Keep the decoded form in step with the bytes.
  hello.extensions.set(ExtensionType.pre_shared_key, patchedPsk(hello, binder));
  return raw;
}

/**
 * RFC 7685 padding: some middleboxes mishandle ClientHellos of 256-511 bytes, so those are padded
 * to 512 (the rule NSS and BoringSSL use). The padding goes before pre_shared_key, which stays last.
 */
function addPadding(hello: ClientHello): void {
  const length = 4 + hello.toBytes().length;
  if (length <= 256 || length >= 512) return;
  const exts = hello.extensions;
  const psk = exts.get(ExtensionType.pre_shared_key);
  exts.delete(ExtensionType.pre_shared_key);
  exts.set(ExtensionType.padding, new Uint8Array(Math.max(0, 512 - length - 4)));
  if (psk !== undefined) exts.set(ExtensionType.pre_shared_key, psk);
}

function patchedPsk(hello: ClientHello, binder: Uint8Array): Uint8Array {
  const data = (hello.extensions.get(ExtensionType.pre_shared_key) as Uint8Array).slice();
  data.set(binder, data.length - binder.length);
  return data;
}

/** Builds and frames the first ClientHello: TLS 1.3, TLS 1.2 or both, as configured. */
export function buildClientHello(core: ConnectionCore, config: ConnectionConfig): MaybePromise<ClientHelloState> {
  const versions = configuredVersions(config);
  const offer13 = versions.includes('tlsv1.3') && hasTls13Suites(config);
  const offer12 = versions.includes('tlsv1.2') ? makeTls12Offer(core, config) : undefined;
  if (!offer13 && offer12 === undefined)
    throw new TlsAlert('internal_error', 'no cipher suite for any configured version');
  const suites = offer13 ? configuredSuites(config) : [];
  const groups = configuredGroups(config);
  const shareGroups = offer13 ? (config.keyShareGroups ?? groups.slice(0, 1)) : [];
  const random = core.random(32);
  // A TLS 1.2 session id to resume goes in legacy_session_id; otherwise RFC 8446 App. D.4: a
  // non-empty legacy_session_id turns on middlebox compatibility mode.
  const sessionId =
    offer12?.sessionId ?? (config.middleboxCompat === false || !offer13 ? new Uint8Array(0) : core.random(32));
  const grease = greaseValue(config.grease === true ? (core.random(1)[0] as number) : 0);
  const psk = offer13 ? choosePsk(core, config, suites) : undefined;
  return thenShares(makeKeyShares(core, config, shareGroups), (keyShares) => {
    const suiteCodes = [...suites.map((s) => s.code), ...(offer12?.suiteCodes ?? [])];
    const hello = new ClientHello(
      0x0303,
      random,
      sessionId,
      config.grease === true ? [grease, ...suiteCodes] : suiteCodes,
      Uint8Array.of(0),
      helloExtensions(config, keyShares, psk, undefined, grease, offer12, offer13),
    );
    const raw = frameClientHello(core, config, hello, psk, (t) => core.provider.digest(psk?.suiteHash ?? 'SHA-256', t));
    return { hello, raw, keyShares, suites, psk, grease, offer12 };
  });
}

function thenShares<T>(v: MaybePromise<Map<number, KeyShare>>, f: (m: Map<number, KeyShare>) => T): MaybePromise<T> {
  return isPromiseLike(v) ? v.then(f) : f(v);
}
