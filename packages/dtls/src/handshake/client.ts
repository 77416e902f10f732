/**
 * The DTLS 1.2 client (RFC 6347 §4.2, RFC 5246 §7.3): ClientHello, the cookie round trip
 * (HelloVerifyRequest, §4.2.1), the server's flight, our key exchange flight, the server's
 * ChangeCipherSpec and Finished. One state object per expected message.
 * @module
 */
import { messages } from '@sslsocket/handshake';
import {
  acceptAlpn,
  Certificate12,
  CertificateRequest12,
  configuredGroups,
  decodeServerKeyExchange,
  ecGroups12,
  equalBytes,
  groupOfParams,
  type KeyExchangeParams,
  keyExchangeShape,
  keyFitsSuite,
  leafPublicKey,
  schemeCodes12,
  schemeFitsKey12,
  schemeName,
  suiteNeedsCertificate,
  verifyPeerChain,
} from '@sslsocket/handshake/tls12-kit';
import { Reader, Writer } from '@sslsocket/record';
import { type CipherSuite, groupByName, type MaybePromise, type PublicKey, TlsAlert } from '@sslsocket/suites';
import { DTLS12, HELLO_VERIFY_REQUEST } from '../constants.js';
import { decodeUseSrtp, encodeUseSrtp, SRTP_PROFILES, srtpProfileByCode } from '../srtp.js';
import { sendClientFlight } from './client-flight.js';
import { Established, expectType, UNCOMPRESSED_POINTS } from './common.js';
import type { DtlsContext, DtlsHandshakeDriver } from './context.js';
import { type DtlsMessage, messageBytes } from './fragments.js';
import { DtlsClientHello, decodeHelloVerifyRequest } from './hello.js';
import { andThen, dtlsSuites, sync, verifyData } from './keys.js';
import { clientResumes, offeredSessionId } from './resume.js';

const T = messages.HandshakeType;
const X = messages.ExtensionType;

function buildClientHello(ctx: DtlsContext, cookie: Uint8Array, random: Uint8Array): DtlsClientHello {
  const config = ctx.config;
  const suites = dtlsSuites(config);
  if (suites.length === 0) throw new TlsAlert('handshake_failure', 'no DTLS 1.2 cipher suite configured');
  const groups = ecGroups12(configuredGroups(config)).map((g) => groupByName(g)?.code ?? -1);
  const ext = new messages.Extensions();
  if (typeof config.serverName === 'string') ext.set(X.server_name, messages.encodeServerName(config.serverName));
  ext.set(X.supported_groups, messages.encodeNamedGroupList(groups.filter((c) => c >= 0)));
  ext.set(X.ec_point_formats, UNCOMPRESSED_POINTS);
  ext.set(X.signature_algorithms, messages.encodeSignatureSchemeList(schemeCodes12(config.signatureAlgs)));
  // RFC 7627 §5.1 and RFC 5746 §3.4: always offered.
  ext.set(X.extended_master_secret, new Uint8Array(0));
  ext.set(X.renegotiation_info, Uint8Array.of(0));
  // RFC 7366 §2 (and RFC 6347: DTLS keeps TLS 1.2's extensions): only worth offering with CBC suites.
  if (config.encryptThenMac !== false && suites.some((s) => s.cbc !== undefined)) {
    ext.set(X.encrypt_then_mac, new Uint8Array(0));
  }
  if (config.alpn !== undefined && config.alpn.length > 0) {
    ext.set(
      X.application_layer_protocol_negotiation,
      messages.encodeAlpn(config.alpn.map((p) => new TextEncoder().encode(p))),
    );
  }
  if (config.srtpProfiles !== undefined && config.srtpProfiles.length > 0) {
    ext.set(X.use_srtp, encodeUseSrtp(config.srtpProfiles.map((p) => SRTP_PROFILES[p].code)));
  }
  for (const e of config.extraExtensions ?? []) ext.set(e.type, e.data);
  return new DtlsClientHello(
    DTLS12,
    random,
    offeredSessionId(ctx),
    cookie,
    suites.map((s) => s.code),
    Uint8Array.of(0),
    ext,
  );
}

function encode(hello: DtlsClientHello): Uint8Array {
  const w = new Writer(512);
  hello.encode(w);
  return w.finish().slice();
}

/** Sends the first ClientHello and returns the state that waits for the server. */
export function startClient(ctx: DtlsContext): DtlsHandshakeDriver {
  const random = ctx.random(32);
  const hello = buildClientHello(ctx, new Uint8Array(0), random);
  // The transcript starts at the ClientHello the server answers with ServerHello (RFC 6347 §4.2.6).
  const sent = ctx.queue(T.client_hello, encode(hello), false);
  ctx.sendFlight(true);
  return new ExpectServerHello(hello, sent, false);
}

class ExpectServerHello implements DtlsHandshakeDriver {
  readonly name = 'ExpectServerHello';
  constructor(
    private readonly hello: DtlsClientHello,
    private readonly sent: DtlsMessage,
    private readonly cookieDone: boolean,
  ) {}

  handle(ctx: DtlsContext, message: DtlsMessage): DtlsHandshakeDriver {
    if (message.type === HELLO_VERIFY_REQUEST && !this.cookieDone) {
      const hvr = decodeHelloVerifyRequest(new Reader(message.body));
      if (hvr.cookie.length === 0) throw new TlsAlert('illegal_parameter', 'HelloVerifyRequest with an empty cookie');
      ctx.records.resetReadWindow();
      // RFC 6347 §4.2.1: the same ClientHello again (same random), now with the cookie.
      const hello = buildClientHello(ctx, hvr.cookie, this.hello.random);
      const sent = ctx.queue(T.client_hello, encode(hello), false);
      ctx.sendFlight(true);
      return new ExpectServerHello(hello, sent, true);
    }
    expectType(message, T.server_hello, this.name);
    const sh = messages.ServerHello.decode(new Reader(message.body));
    if (sh.legacyVersion !== DTLS12)
      throw new TlsAlert('protocol_version', 'server chose a version other than DTLS 1.2');
    if (sh.compressionMethod !== 0) throw new TlsAlert('illegal_parameter', 'compression method must be null');
    const suite = dtlsSuites(ctx.config).find((s) => s.code === sh.cipherSuite);
    if (suite === undefined) throw new TlsAlert('illegal_parameter', 'server selected a cipher suite we did not offer');
    const hs = ctx.hs;
    hs.suite = suite;
    hs.clientRandom = this.hello.random;
    hs.serverRandom = sh.random;
    hs.sessionId = sh.legacySessionIdEcho;
    hs.transcript.start(suite.prfHash);
    hs.update(messageBytes(this.sent));
    hs.update(messageBytes(message));
    readServerExtensions(ctx, this.hello, sh);
    const resumed = clientResumes(ctx, sh);
    if (resumed !== undefined) return resumed;
    return suiteNeedsCertificate(suite) ? new ExpectCertificate() : new ExpectServerKeyExchange();
  }
}

/** ServerHello extensions: each only if offered (RFC 5246 §7.4.1.4), then RFC 5746, 7627, 7301, 5764. */
function readServerExtensions(ctx: DtlsContext, hello: DtlsClientHello, sh: messages.ServerHello): void {
  const hs = ctx.hs;
  const exts = sh.extensions;
  for (const t of exts.types()) {
    if (!hello.extensions.has(t))
      throw new TlsAlert('unsupported_extension', `unsolicited extension ${t} in ServerHello`);
  }
  const reneg = exts.get(X.renegotiation_info);
  if (reneg !== undefined) {
    if (reneg.length !== 1 || reneg[0] !== 0) throw new TlsAlert('handshake_failure', 'renegotiation_info not empty');
    hs.secureRenegotiation = true;
  }
  hs.extendedMasterSecret = messages.decodeFlag(exts.get(X.extended_master_secret), 'extended_master_secret');
  if (!hs.extendedMasterSecret && ctx.config.requireExtendedMasterSecret === true) {
    throw new TlsAlert('handshake_failure', 'server does not support extended master secret (RFC 7627)');
  }
  if (exts.has(X.encrypt_then_mac)) {
    // RFC 7366 §3: a server must not send it back with an AEAD suite.
    if (hs.suite?.cbc === undefined) throw new TlsAlert('illegal_parameter', 'encrypt_then_mac with an AEAD suite');
    if (messages.decodeFlag(exts.get(X.encrypt_then_mac), 'encrypt_then_mac')) hs.encryptThenMac = true;
  }
  hs.alpn = acceptAlpn(ctx.config, exts.get(X.application_layer_protocol_negotiation));
  if (typeof ctx.config.serverName === 'string') hs.serverName = ctx.config.serverName;
  const srtp = exts.get(X.use_srtp);
  if (srtp !== undefined) {
    // RFC 5764 §4.1.1: exactly one profile, one we offered; the MKI must echo ours (none).
    const { profiles, mki } = decodeUseSrtp(srtp);
    const name = profiles.length === 1 ? srtpProfileByCode(profiles[0] as number) : undefined;
    if (name === undefined || !(ctx.config.srtpProfiles ?? []).includes(name) || mki.length !== 0) {
      throw new TlsAlert('illegal_parameter', 'use_srtp: the server chose a profile we did not offer');
    }
    hs.srtpProfile = name;
  }
}

class ExpectCertificate implements DtlsHandshakeDriver {
  readonly name = 'ExpectServerCertificate';

  handle(ctx: DtlsContext, message: DtlsMessage): DtlsHandshakeDriver {
    expectType(message, T.certificate, this.name);
    const cert = Certificate12.decode(new Reader(message.body));
    if (cert.chain.length === 0) throw new TlsAlert('decode_error', 'empty server Certificate');
    const key = leafPublicKey(cert.chain[0] as Uint8Array);
    if (!keyFitsSuite(key, ctx.hs.suite as CipherSuite)) {
      throw new TlsAlert('unsupported_certificate', 'the certificate key does not fit the cipher suite');
    }
    ctx.hs.peerChain = cert.chain;
    ctx.hs.peerKey = key;
    ctx.hs.update(messageBytes(message));
    return new ExpectServerKeyExchange();
  }
}

class ExpectServerKeyExchange implements DtlsHandshakeDriver {
  readonly name = 'ExpectServerKeyExchange';

  handle(ctx: DtlsContext, message: DtlsMessage): DtlsHandshakeDriver | Promise<DtlsHandshakeDriver> {
    const hs = ctx.hs;
    const suite = hs.suite as CipherSuite;
    // RFC 4279 §2: plain PSK servers send ServerKeyExchange only to give an identity hint.
    if (message.type !== T.server_key_exchange && suite.keyExchange === 'psk') {
      return new ExpectHelloDone(undefined, undefined).handle(ctx, message);
    }
    expectType(message, T.server_key_exchange, this.name);
    const shape = keyExchangeShape(suite);
    const ske = decodeServerKeyExchange(new Reader(message.body), shape);
    if (!shape.signed) {
      if (ske.params !== undefined) hs.group = groupOfParams(ske.params);
      hs.update(messageBytes(message));
      return new ExpectHelloDone(ske.params, ske.identityHint);
    }
    if (ske.params === undefined || ske.signatureScheme === undefined || ske.signature === undefined) {
      throw new TlsAlert('decode_error', 'ServerKeyExchange without signed parameters');
    }
    const offered = schemeCodes12(ctx.config.signatureAlgs);
    const code = ske.signatureScheme;
    const key = hs.peerKey as PublicKey;
    if (!offered.includes(code))
      throw new TlsAlert('illegal_parameter', `signature scheme 0x${code.toString(16)} not offered`);
    const scheme = schemeFitsKey12(code, key);
    if (scheme === undefined) throw new TlsAlert('illegal_parameter', 'signature scheme does not match the key');
    const content = new Uint8Array(64 + ske.paramsRaw.length);
    content.set(hs.clientRandom, 0);
    content.set(hs.serverRandom, 32);
    content.set(ske.paramsRaw, 64);
    let ok: boolean;
    try {
      ok = sync(ctx.provider.verify(scheme.name, key, content, ske.signature), 'verify');
    } catch (e) {
      throw new TlsAlert('decrypt_error', 'malformed ServerKeyExchange signature', { cause: e });
    }
    if (!ok) throw new TlsAlert('decrypt_error', 'ServerKeyExchange signature does not verify');
    hs.signatureScheme = schemeName(code) ?? scheme.name;
    hs.group = groupOfParams(ske.params);
    hs.update(messageBytes(message));
    return new ExpectHelloDone(ske.params, undefined);
  }
}

class ExpectHelloDone implements DtlsHandshakeDriver {
  readonly name = 'ExpectServerHelloDone';
  private request: CertificateRequest12 | undefined;
  constructor(
    private readonly params: KeyExchangeParams | undefined,
    private readonly hint: Uint8Array | undefined,
  ) {}

  handle(ctx: DtlsContext, message: DtlsMessage): DtlsHandshakeDriver | Promise<DtlsHandshakeDriver> {
    const hs = ctx.hs;
    if (message.type === T.certificate_request && this.request === undefined) {
      this.request = CertificateRequest12.decode(new Reader(message.body));
      hs.update(messageBytes(message));
      return this;
    }
    expectType(message, T.server_hello_done, this.name);
    if (message.body.length !== 0) throw new TlsAlert('decode_error', 'ServerHelloDone must be empty');
    hs.update(messageBytes(message));
    const config = ctx.config;
    // PSK suites have no server certificate: the PSK authenticates the server (RFC 4279 §2).
    const verified =
      config.verifyPeer === false || hs.peerChain.length === 0
        ? hs.peerKey
        : verifyPeerChain(config, hs.peerChain, { role: 'client', serverName: hs.serverName, ocspResponse: undefined });
    const next = (key: PublicKey | undefined): MaybePromise<DtlsHandshakeDriver> => {
      hs.peerKey = key;
      return andThen(sendClientFlight(ctx, this.params, this.hint, this.request), () => new ExpectServerFinished());
    };
    // The verification hook may be asynchronous (PKIX with CRL or OCSP fetching).
    return andThen(verified, next);
  }
}

class ExpectServerFinished implements DtlsHandshakeDriver {
  readonly name = 'ExpectServerFinished';

  handle(ctx: DtlsContext, message: DtlsMessage): DtlsHandshakeDriver {
    expectType(message, T.finished, this.name);
    if (!ctx.peerChangedCipherSpec) throw new TlsAlert('unexpected_message', 'Finished before ChangeCipherSpec');
    const expected = verifyData(ctx, 'server');
    if (!equalBytes(expected, message.body)) throw new TlsAlert('decrypt_error', 'Finished verify_data mismatch');
    ctx.hs.serverVerifyData = expected;
    ctx.hs.update(messageBytes(message));
    ctx.complete();
    return new Established();
  }
}
