/**
 * The DTLS 1.2 server (RFC 6347 §4.2, RFC 5246 §7.3): after the stateless cookie check (done by
 * the connection with {@link admitDatagram} before any state exists), the ClientHello picks suite,
 * certificate, group and signature scheme; the server sends its flight, takes the client's key
 * exchange, ChangeCipherSpec and Finished, and answers with its own.
 * @module
 */
import { messages, type ServerSession12 } from '@sslsocket/handshake';
import {
  Certificate12,
  CertificateRequest12,
  chooseScheme12,
  clientExchangeForm,
  concat,
  configuredGroups,
  decodeClientKeyExchange,
  ecGroups12,
  encodeServerKeyExchange,
  equalBytes,
  keyExchangeShape,
  keyFitsSuite,
  paramsBytes,
  premasterSecret,
  type ServerEphemeral,
  schemeCodes12,
  schemeName,
  selectAlpn,
  selectCertificate,
  serverEphemeral,
  serverSecret,
  suiteNeedsCertificate,
} from '@sslsocket/handshake/tls12-kit';
import { Reader, Writer } from '@sslsocket/record';
import {
  type CipherSuite,
  type GroupName,
  groupByName,
  type PrivateKey,
  type PublicKey,
  type SignatureSchemeName,
  TlsAlert,
} from '@sslsocket/suites';
import { DTLS12 } from '../constants.js';
import { decodeUseSrtp, encodeUseSrtp, SRTP_PROFILES, type SrtpProfileName } from '../srtp.js';
import { isPsk } from './client-flight.js';
import { Established, expectType, UNCOMPRESSED_POINTS } from './common.js';
import type { DtlsContext, DtlsHandshakeDriver } from './context.js';
import { type DtlsMessage, messageBytes } from './fragments.js';
import { DtlsClientHello } from './hello.js';
import { andThen, dtlsSuites, protections, setMasterSecret, sync, verifyData } from './keys.js';
import { findServerSession, newSessionId, sendResumedServerFlight } from './resume.js';
import { ClientCertificateType, ExpectCertificateVerify, ExpectClientCertificate } from './server-auth.js';

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

  handle(ctx: DtlsContext, message: DtlsMessage): DtlsHandshakeDriver | Promise<DtlsHandshakeDriver> {
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
    const clientGroups = exts.has(X.supported_groups)
      ? messages.decodeNamedGroupList(exts.get(X.supported_groups) as Uint8Array)
      : [23];
    const group = ecGroups12(configuredGroups(config)).find((g) => clientGroups.includes(groupByName(g)?.code ?? -1));
    const sigAlgs = exts.get(X.signature_algorithms);
    const scheme =
      certified === undefined
        ? undefined
        : chooseScheme12(
            certified.privateKey,
            sigAlgs === undefined ? undefined : messages.decodeSignatureSchemeList(sigAlgs),
            schemeCodes12(config.signatureAlgs),
          );
    // Our preference order; a suite needs what it uses: a fitting certificate and scheme, a group
    // for ECDHE, a PSK lookup for the PSK family (RFC 4279 §2).
    const suite = dtlsSuites(config).find(
      (s) =>
        ch.cipherSuites.includes(s.code) &&
        (!suiteNeedsCertificate(s) ||
          (certified !== undefined && scheme !== undefined && keyFitsSuite(certified.privateKey, s))) &&
        (keyExchangeShape(s).params === undefined || group !== undefined) &&
        (!isPsk(s) || config.userLookupFun !== undefined),
    );
    if (suite === undefined) {
      throw new TlsAlert('handshake_failure', 'no DTLS 1.2 cipher suite, group and signature scheme in common');
    }
    hs.suite = suite;
    const shape = keyExchangeShape(suite);
    if (shape.params !== undefined) hs.group = group;
    if (shape.signed && scheme !== undefined) hs.signatureScheme = schemeName(scheme.code) ?? scheme.name;
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
    // The session store may answer asynchronously; the rest of the reply waits for it.
    const respond = (cached: ServerSession12 | undefined): DtlsHandshakeDriver => {
      if (cached !== undefined) hs.suite = dtlsSuites(config).find((s) => s.code === cached.cipherSuite);
      const chosen = hs.suite as CipherSuite;
      // RFC 7366 §3: encrypt-then-MAC only for a CBC suite, renegotiated on every handshake
      // (a resumed session's suite decides, hence here).
      if (chosen.cbc !== undefined && exts.has(X.encrypt_then_mac) && config.encryptThenMac !== false) {
        messages.decodeFlag(exts.get(X.encrypt_then_mac), 'encrypt_then_mac');
        hs.encryptThenMac = true;
        reply.set(X.encrypt_then_mac, new Uint8Array(0));
      }
      // RFC 5246 §7.4.1.3: a resumed session keeps its id; a new one gets a fresh id when we cache.
      hs.sessionId = cached !== undefined ? ch.sessionId : newSessionId(ctx);
      hs.transcript.start(chosen.prfHash);
      hs.update(messageBytes(message));
      const sh = new messages.ServerHello(DTLS12, hs.serverRandom, hs.sessionId, chosen.code, 0, reply);
      ctx.queue(
        T.server_hello,
        encodeWith((w) => sh.encode(w)),
      );
      if (cached !== undefined) return sendResumedServerFlight(ctx, cached);
      const withCertificate = suiteNeedsCertificate(suite) ? certified : undefined;
      if (withCertificate !== undefined) {
        ctx.queue(
          T.certificate,
          encodeWith((w) => new Certificate12([...withCertificate.certificateChain]).encode(w)),
        );
      }
      const signer =
        shape.signed && withCertificate !== undefined && scheme !== undefined
          ? { key: withCertificate.privateKey, scheme }
          : undefined;
      const ephemeral = queueServerKeyExchange(ctx, suite, hs.group, signer);
      // Erlang verify_peer: RFC 5246 §7.4.4 CertificateRequest for ECDSA and RSA client keys (not
      // with PSK suites, which have no certificates: RFC 4279 §2).
      const requested = config.verifyPeer === true && withCertificate !== undefined;
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
      const next = (clientKey: PublicKey | undefined): DtlsHandshakeDriver =>
        new ExpectClientKeyExchange(ephemeral, clientKey);
      return requested ? new ExpectClientCertificate(next) : next(undefined);
    };
    return andThen(findServerSession(ctx, ch), respond) as DtlsHandshakeDriver | Promise<DtlsHandshakeDriver>;
  }
}

/**
 * ServerKeyExchange (RFC 5246 §7.4.3, RFC 4279 §2, RFC 5489 §2): the identity hint for PSK suites,
 * ephemeral ECDH parameters, and their signature for the certificate suites; none at all for plain
 * PSK without a hint. Returns the ephemeral key, if any.
 */
function queueServerKeyExchange(
  ctx: DtlsContext,
  suite: CipherSuite,
  group: GroupName | undefined,
  signer: { key: PrivateKey; scheme: { code: number; name: SignatureSchemeName } } | undefined,
): ServerEphemeral | undefined {
  const shape = keyExchangeShape(suite);
  const hint = ctx.config.pskIdentityHint;
  if (shape.params === undefined && hint === undefined) return undefined;
  const ephemeral =
    shape.params === undefined
      ? undefined
      : sync(
          serverEphemeral(ctx.provider, 'ecdhe', group, undefined, ctx.config.keyShareSecret?.(group as GroupName)),
          'key share',
        );
  const paramsRaw = ephemeral === undefined ? new Uint8Array(0) : paramsBytes(ephemeral.params);
  const hs = ctx.hs;
  const signature =
    signer === undefined
      ? undefined
      : sync(
          ctx.provider.sign(signer.scheme.name, signer.key, concat(hs.clientRandom, hs.serverRandom, paramsRaw)),
          'sign',
        );
  const ske = encodeServerKeyExchange(
    {
      identityHint: shape.hint ? (hint ?? new Uint8Array(0)) : undefined,
      params: ephemeral?.params,
      paramsRaw,
      signatureScheme: signer?.scheme.code,
      signature,
    },
    shape,
  );
  ctx.queue(T.server_key_exchange, ske);
  return ephemeral;
}

/** RFC 5764 §4.1.1: the server picks one profile the client offered, in its own preference order. */
function chooseSrtp(ours: readonly SrtpProfileName[], offered: readonly number[]): SrtpProfileName | undefined {
  return ours.find((p) => offered.includes(SRTP_PROFILES[p].code));
}

class ExpectClientKeyExchange implements DtlsHandshakeDriver {
  readonly name = 'ExpectClientKeyExchange';
  constructor(
    private readonly ephemeral: ServerEphemeral | undefined,
    /** The client certificate's key, when it sent one: a CertificateVerify must follow. */
    private readonly clientKey: PublicKey | undefined,
  ) {}

  handle(ctx: DtlsContext, message: DtlsMessage): DtlsHandshakeDriver | Promise<DtlsHandshakeDriver> {
    expectType(message, T.client_key_exchange, this.name);
    const hs = ctx.hs;
    const suite = hs.suite as CipherSuite;
    const psk = isPsk(suite);
    const cke = decodeClientKeyExchange(new Reader(message.body), psk, clientExchangeForm(suite));
    const secret =
      this.ephemeral === undefined
        ? new Uint8Array(0)
        : sync(
            serverSecret(ctx.provider, suite, this.ephemeral, cke.exchange, undefined, (n) => ctx.random(n)),
            'key agreement',
          );
    // RFC 7627 §4: the session hash runs up to and including ClientKeyExchange.
    hs.update(messageBytes(message));
    const next = (key: Uint8Array | undefined): DtlsHandshakeDriver => {
      // RFC 4279 §2: an identity the server does not know is unknown_psk_identity.
      if (psk && key === undefined) throw new TlsAlert('unknown_psk_identity', 'no PSK for the client identity');
      setMasterSecret(ctx, premasterSecret(suite, secret, key));
      const keys = protections(ctx);
      ctx.setPendingRead(keys.client);
      const finished = new ExpectClientFinished(keys.server);
      return this.clientKey === undefined ? finished : new ExpectCertificateVerify(this.clientKey, finished);
    };
    const lookup = ctx.config.userLookupFun;
    if (!psk || lookup === undefined) return next(undefined);
    return andThen(lookup(cke.identity ?? new Uint8Array(0)), next);
  }
}

class ExpectClientFinished implements DtlsHandshakeDriver {
  readonly name = 'ExpectClientFinished';
  constructor(private readonly writeKeys: ReturnType<typeof protections>['server']) {}

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
