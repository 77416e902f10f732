/**
 * The DTLS 1.2 server (RFC 6347 §4.2, RFC 5246 §7.3): after the stateless cookie check (done by
 * the connection with {@link admitDatagram} before any state exists), the ClientHello picks suite,
 * certificate, group and signature scheme; the server sends its flight, takes the client's key
 * exchange, ChangeCipherSpec and Finished, and answers with its own.
 * @module
 */
import { messages } from '@sslsocket/handshake';
import {
  Certificate12,
  CertificateRequest12,
  chooseScheme12,
  configuredGroups,
  decodeClientKeyExchange,
  ecGroups12,
  encodeServerKeyExchange,
  equalBytes,
  keyExchangeShape,
  keyFitsSuite,
  paramsBytes,
  type ServerEphemeral,
  schemeCodes12,
  schemeFitsKey12,
  schemeName,
  selectAlpn,
  selectCertificate,
  serverEphemeral,
  serverSecret,
  verifyPeerChain,
} from '@sslsocket/handshake/tls12-kit';
import { Reader, Writer } from '@sslsocket/record';
import {
  type CipherSuite,
  type GroupName,
  groupByName,
  isPromiseLike,
  type PublicKey,
  TlsAlert,
} from '@sslsocket/suites';
import { DTLS12 } from '../constants.js';
import { decodeUseSrtp, encodeUseSrtp, SRTP_PROFILES, type SrtpProfileName } from '../srtp.js';
import { Established, expectType, UNCOMPRESSED_POINTS } from './common.js';
import type { DtlsContext, DtlsHandshakeDriver } from './context.js';
import { type DtlsMessage, messageBytes } from './fragments.js';
import { DtlsClientHello } from './hello.js';
import { dtlsSuites, protections, setMasterSecret, sync, verifyData } from './keys.js';

const T = messages.HandshakeType;
const X = messages.ExtensionType;
/** RFC 5746 §3.3: TLS_EMPTY_RENEGOTIATION_INFO_SCSV. */
const RENEGOTIATION_SCSV = 0x00ff;

function encodeWith(encode: (w: Writer) => void): Uint8Array {
  const w = new Writer(1024);
  encode(w);
  return w.finish().slice();
}

export class ExpectClientHello implements DtlsHandshakeDriver {
  readonly name = 'ExpectClientHello';

  handle(ctx: DtlsContext, message: DtlsMessage): DtlsHandshakeDriver {
    expectType(message, T.client_hello, this.name);
    const ch = DtlsClientHello.decode(new Reader(message.body));
    const config = ctx.config;
    const hs = ctx.hs;
    // DTLS versions count down: 0xfefd (1.2) < 0xfeff (1.0). RFC 6347 §4.2.1 / RFC 5246 App. E.
    if (ch.version > DTLS12) throw new TlsAlert('protocol_version', 'client does not offer DTLS 1.2');
    if (!ch.compressionMethods.includes(0)) throw new TlsAlert('illegal_parameter', 'null compression not offered');
    const exts = ch.extensions;
    const sni = exts.get(X.server_name);
    hs.serverName = sni === undefined ? undefined : messages.decodeServerName(sni)?.toLowerCase();
    const certified = sync(selectCertificate(config, hs.serverName), 'sniFun');
    if (certified === undefined) throw new TlsAlert('handshake_failure', 'no certificate configured');
    const clientGroups = exts.has(X.supported_groups)
      ? messages.decodeNamedGroupList(exts.get(X.supported_groups) as Uint8Array)
      : [23];
    const group = ecGroups12(configuredGroups(config)).find((g) => clientGroups.includes(groupByName(g)?.code ?? -1));
    const sigAlgs = exts.get(X.signature_algorithms);
    const scheme = chooseScheme12(
      certified.privateKey,
      sigAlgs === undefined ? undefined : messages.decodeSignatureSchemeList(sigAlgs),
      schemeCodes12(config.signatureAlgs),
    );
    const suite = dtlsSuites(config).find(
      (s) => ch.cipherSuites.includes(s.code) && keyFitsSuite(certified.privateKey, s),
    );
    if (suite === undefined || group === undefined || scheme === undefined) {
      throw new TlsAlert('handshake_failure', 'no DTLS 1.2 cipher suite, group and signature scheme in common');
    }
    hs.suite = suite;
    hs.group = group;
    hs.signatureScheme = schemeName(scheme.code) ?? scheme.name;
    hs.clientRandom = ch.random;
    hs.serverRandom = ctx.random(32);
    const reply = new messages.Extensions();
    const reneg = exts.get(X.renegotiation_info);
    if (reneg !== undefined && (reneg.length !== 1 || reneg[0] !== 0)) {
      throw new TlsAlert('handshake_failure', 'renegotiation_info not empty in an initial handshake');
    }
    if (reneg !== undefined || ch.cipherSuites.includes(RENEGOTIATION_SCSV)) {
      hs.secureRenegotiation = true;
      reply.set(X.renegotiation_info, Uint8Array.of(0));
    }
    hs.extendedMasterSecret = messages.decodeFlag(exts.get(X.extended_master_secret), 'extended_master_secret');
    if (hs.extendedMasterSecret) reply.set(X.extended_master_secret, new Uint8Array(0));
    else if (config.requireExtendedMasterSecret === true) {
      throw new TlsAlert('handshake_failure', 'client does not support extended master secret (RFC 7627)');
    }
    if (exts.has(X.ec_point_formats)) reply.set(X.ec_point_formats, UNCOMPRESSED_POINTS);
    hs.alpn = selectAlpn(config, exts.get(X.application_layer_protocol_negotiation));
    if (hs.alpn !== undefined) {
      reply.set(X.application_layer_protocol_negotiation, messages.encodeAlpn([new TextEncoder().encode(hs.alpn)]));
    }
    const srtp = exts.get(X.use_srtp);
    if (srtp !== undefined) {
      hs.srtpProfile = chooseSrtp(config.srtpProfiles ?? [], decodeUseSrtp(srtp).profiles);
      // RFC 5764 §4.1.1: one profile, and no MKI (we do not use one).
      if (hs.srtpProfile !== undefined) reply.set(X.use_srtp, encodeUseSrtp([SRTP_PROFILES[hs.srtpProfile].code]));
    }
    hs.transcript.start(suite.prfHash);
    hs.update(messageBytes(message));
    const sh = new messages.ServerHello(DTLS12, hs.serverRandom, new Uint8Array(0), suite.code, 0, reply);
    ctx.queue(
      T.server_hello,
      encodeWith((w) => sh.encode(w)),
    );
    ctx.queue(
      T.certificate,
      encodeWith((w) => new Certificate12([...certified.certificateChain]).encode(w)),
    );
    const ephemeral = sync(
      serverEphemeral(ctx.provider, 'ecdhe', group, undefined, config.keyShareSecret?.(group)),
      'key share',
    );
    const paramsRaw = paramsBytes(ephemeral.params);
    const signature = sync(
      ctx.provider.sign(scheme.name, certified.privateKey, concatRandoms(hs.clientRandom, hs.serverRandom, paramsRaw)),
      'sign',
    );
    const ske = encodeServerKeyExchange(
      { identityHint: undefined, params: ephemeral.params, paramsRaw, signatureScheme: scheme.code, signature },
      keyExchangeShape(suite),
    );
    ctx.queue(T.server_key_exchange, ske);
    // Erlang verify_peer: RFC 5246 §7.4.4 CertificateRequest for ECDSA and RSA client keys.
    const requested = config.verifyPeer === true;
    if (requested) {
      const request = new CertificateRequest12(
        [ClientCertificateType.rsa_sign, ClientCertificateType.ecdsa_sign],
        schemeCodes12(config.signatureAlgs),
        [...(config.certificateAuthorities ?? [])],
      );
      ctx.queue(
        T.certificate_request,
        encodeWith((w) => request.encode(w)),
      );
    }
    ctx.queue(T.server_hello_done, new Uint8Array(0));
    ctx.sendFlight(true);
    return requested ? new ExpectClientCertificate(ephemeral) : new ExpectClientKeyExchange(ephemeral, undefined);
  }
}

/** RFC 5246 §7.4.4 ClientCertificateType values. */
const ClientCertificateType = { rsa_sign: 1, ecdsa_sign: 64 } as const;

/** RFC 5246 §7.4.6: the client's Certificate, possibly empty. */
class ExpectClientCertificate implements DtlsHandshakeDriver {
  readonly name = 'ExpectClientCertificate';
  constructor(private readonly ephemeral: ServerEphemeral) {}

  handle(ctx: DtlsContext, message: DtlsMessage): DtlsHandshakeDriver | Promise<DtlsHandshakeDriver> {
    expectType(message, T.certificate, this.name);
    const cert = Certificate12.decode(new Reader(message.body));
    const hs = ctx.hs;
    hs.update(messageBytes(message));
    if (cert.chain.length === 0) {
      // RFC 5246 §7.4.6: without a certificate the server may go on or fail with handshake_failure.
      if (ctx.config.failIfNoPeerCert === true) throw new TlsAlert('handshake_failure', 'client sent no certificate');
      return new ExpectClientKeyExchange(this.ephemeral, undefined);
    }
    hs.peerChain = cert.chain;
    const verified = verifyPeerChain(ctx.config, cert.chain, {
      role: 'server',
      serverName: hs.serverName,
      ocspResponse: undefined,
    });
    const next = (key: PublicKey): DtlsHandshakeDriver => {
      hs.peerKey = key;
      return new ExpectClientKeyExchange(this.ephemeral, key);
    };
    return isPromiseLike(verified) ? verified.then(next) : next(verified);
  }
}

function concatRandoms(a: Uint8Array, b: Uint8Array, c: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length + c.length);
  out.set(a, 0);
  out.set(b, a.length);
  out.set(c, a.length + b.length);
  return out;
}

/** RFC 5764 §4.1.1: the server picks one profile the client offered, in its own preference order. */
function chooseSrtp(ours: readonly SrtpProfileName[], offered: readonly number[]): SrtpProfileName | undefined {
  return ours.find((p) => offered.includes(SRTP_PROFILES[p].code));
}

class ExpectClientKeyExchange implements DtlsHandshakeDriver {
  readonly name = 'ExpectClientKeyExchange';
  constructor(
    private readonly ephemeral: ServerEphemeral,
    /** The client certificate's key, when it sent one: a CertificateVerify must follow. */
    private readonly clientKey: PublicKey | undefined,
  ) {}

  handle(ctx: DtlsContext, message: DtlsMessage): DtlsHandshakeDriver {
    expectType(message, T.client_key_exchange, this.name);
    const hs = ctx.hs;
    const suite = hs.suite as CipherSuite;
    const cke = decodeClientKeyExchange(new Reader(message.body), false, 'ecdhe');
    const secret = sync(
      serverSecret(ctx.provider, suite, this.ephemeral, cke.exchange, undefined, (n) => ctx.random(n)),
      'key agreement',
    );
    // RFC 7627 §4: the session hash runs up to and including ClientKeyExchange.
    hs.update(messageBytes(message));
    setMasterSecret(ctx, secret);
    const keys = protections(ctx);
    ctx.setPendingRead(keys.client);
    const finished = new ExpectClientFinished(keys.server, hs.group as GroupName);
    return this.clientKey === undefined ? finished : new ExpectCertificateVerify(this.clientKey, finished);
  }
}

/** RFC 5246 §7.4.8: the client proves its key over every handshake message before this one. */
class ExpectCertificateVerify implements DtlsHandshakeDriver {
  readonly name = 'ExpectCertificateVerify';
  constructor(
    private readonly key: PublicKey,
    private readonly next: DtlsHandshakeDriver,
  ) {}

  handle(ctx: DtlsContext, message: DtlsMessage): DtlsHandshakeDriver {
    expectType(message, T.certificate_verify, this.name);
    const hs = ctx.hs;
    const cv = messages.CertificateVerify.decode(new Reader(message.body));
    const offered = schemeCodes12(ctx.config.signatureAlgs);
    if (!offered.includes(cv.algorithm))
      throw new TlsAlert('illegal_parameter', 'CertificateVerify scheme not offered');
    const scheme = schemeFitsKey12(cv.algorithm, this.key);
    if (scheme === undefined)
      throw new TlsAlert('illegal_parameter', 'CertificateVerify scheme does not match the key');
    let ok: boolean;
    try {
      ok = sync(ctx.provider.verify(scheme.name, this.key, hs.messages(), cv.signature), 'verify');
    } catch (e) {
      throw new TlsAlert('decrypt_error', 'malformed CertificateVerify signature', { cause: e });
    }
    if (!ok) throw new TlsAlert('decrypt_error', 'CertificateVerify signature does not verify');
    hs.update(messageBytes(message));
    return this.next;
  }
}

class ExpectClientFinished implements DtlsHandshakeDriver {
  readonly name = 'ExpectClientFinished';
  constructor(
    private readonly writeKeys: ReturnType<typeof protections>['server'],
    readonly group: GroupName,
  ) {}

  handle(ctx: DtlsContext, message: DtlsMessage): DtlsHandshakeDriver {
    expectType(message, T.finished, this.name);
    if (!ctx.peerChangedCipherSpec) throw new TlsAlert('unexpected_message', 'Finished before ChangeCipherSpec');
    const hs = ctx.hs;
    const expected = verifyData(ctx, 'client');
    if (!equalBytes(expected, message.body)) throw new TlsAlert('decrypt_error', 'Finished verify_data mismatch');
    hs.clientVerifyData = expected;
    hs.update(messageBytes(message));
    ctx.queueChangeCipherSpec(this.writeKeys);
    hs.serverVerifyData = verifyData(ctx, 'server');
    ctx.queue(T.finished, hs.serverVerifyData);
    // RFC 6347 §4.2.4: the last flight is not timed; it is resent when the client's flight repeats.
    ctx.sendFlight(false);
    ctx.complete();
    return new Established();
  }
}
