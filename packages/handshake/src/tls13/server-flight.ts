/**
 * The TLS 1.3 server's flight (RFC 8446 §4.1.3-§4.4): ServerHello, the handshake key schedule,
 * EncryptedExtensions, [CertificateRequest, Certificate, CertificateVerify,] Finished, and the
 * state that waits for the client's answer.
 * @module
 */
import type { CipherSuite, KeyShareResponse, MaybePromise, SignatureSchemeName } from '@sslsocket/suites';
import { utf8 } from '../bytes.js';
import { echoCertificateTypes } from '../certificate-type.js';
import type { CertifiedKey } from '../config.js';
import { andThen, type ConnectionCore, type HandshakeState } from '../core.js';
import { echoMaxFragmentLength } from '../max-fragment.js';
import { Certificate, CertificateRequest } from '../messages/certificate.js';
import {
  encodeAlpn,
  encodeCertificateAuthorities,
  encodeCertificateStatus,
  encodeKeyShareServer,
  encodeNamedGroupList,
  encodeSignatureSchemeList,
  encodeU16,
} from '../messages/extension-bodies.js';
import { Extensions, ExtensionType } from '../messages/extensions.js';
import { frameHandshake, HandshakeType } from '../messages/handshake-type.js';
import { type ClientHello, ServerHello } from '../messages/hello.js';
import { EncryptedExtensions } from '../messages/simple.js';
import { configuredGroups, groupCode, schemeCodes, TLS13 } from '../negotiate.js';
import { mainSink, sendCertificateVerify, sendFinished } from './auth.js';
import { frameCertificate, offerCertificateCompression } from './certificate-compression.js';
import { rejectedEarlyDataBound } from './early-data.js';
import type { ServerHandshake } from './server-handshake.js';
import {
  ExpectClientCertificate,
  ExpectClientFinished,
  ExpectEndOfEarlyData,
  type ServerFinishKeys,
} from './server-states.js';

/** Our certificate and the scheme its CertificateVerify uses (certificate-authenticated handshakes). */
export interface ServerSigner {
  readonly certified: CertifiedKey;
  readonly scheme: SignatureSchemeName;
}

/** What the ClientHello settled, which the server's flight is built from (RFC 8446 §4.1.3-§4.4). */
export interface ServerFlightPlan {
  readonly suite: CipherSuite;
  /** Our key share for the client's group (absent with psk_ke). */
  readonly share: { readonly group: number; readonly response: KeyShareResponse } | undefined;
  /** Absent when a PSK authenticates the handshake. */
  readonly signer: ServerSigner | undefined;
  /** The client's early traffic secret when its 0-RTT is accepted (RFC 8446 §4.2.10). */
  readonly clientEarlySecret: Uint8Array | undefined;
}

/** Queues the server's flight for `plan` and returns the state that waits for the client. */
export function sendServerFlight(
  core: ConnectionCore,
  hs: ServerHandshake,
  ch: ClientHello,
  plan: ServerFlightPlan,
): MaybePromise<HandshakeState> {
  const config = hs.config;
  const { suite, share, signer, clientEarlySecret } = plan;
  const send = (raw: Uint8Array): void => core.queueHandshake(raw, hs.transcript);
  hs.traffic.use(suite);
  const _p = core.provider;
  const h = suite.prfHash;
  const exts = new Extensions();
  if (hs.psk !== undefined) exts.set(ExtensionType.pre_shared_key, encodeU16(0));
  if (share !== undefined) {
    exts.set(
      ExtensionType.key_share,
      encodeKeyShareServer({ group: share.group, keyExchange: share.response.publicKey }),
    );
  }
  exts.set(ExtensionType.supported_versions, encodeU16(TLS13));
  const sh = new ServerHello(0x0303, core.random(32), ch.legacySessionId, suite.code, 0, exts);
  send(frameHandshake(HandshakeType.server_hello, sh));
  if (ch.legacySessionId.length > 0 && !hs.ccsSent) {
    core.record.sendChangeCipherSpec();
    hs.ccsSent = true;
  }
  const th = hs.transcript.current();
  const keys = hs.traffic.handshakeKeys(suite, hs.psk?.key, share?.response.sharedSecret, th);
  hs.traffic.setWriteSecret(keys.serverHandshakeSecret);
  if (clientEarlySecret !== undefined) {
    hs.traffic.setReadSecret(clientEarlySecret);
    hs.attachEarlyData(core).accept(Math.min(config.maxEarlyDataSize ?? 0, hs.psk?.ticket?.maxEarlyDataSize ?? 0));
  } else {
    hs.traffic.setReadSecret(keys.clientHandshakeSecret);
    // RFC 8446 §4.2.10: rejected 0-RTT is skipped where it fails to decrypt, up to the most a
    // client may send; each failed trial re-installs the handshake read keys.
    if (ch.extensions.has(ExtensionType.early_data)) {
      hs.attachEarlyData(core).reject(rejectedEarlyDataBound(config), () =>
        hs.traffic.setReadSecret(keys.clientHandshakeSecret),
      );
    }
  }
  // EncryptedExtensions (RFC 8446 §4.3.1), in the order RFC 8448 shows.
  const ee = new Extensions();
  if (ch.extensions.has(ExtensionType.supported_groups)) {
    ee.set(ExtensionType.supported_groups, encodeNamedGroupList(configuredGroups(config).map(groupCode)));
  }
  if (config.recordSizeLimit !== undefined && hs.peerRecordSizeLimit !== undefined) {
    ee.set(ExtensionType.record_size_limit, encodeU16(config.recordSizeLimit));
  }
  core.record.applyRecordLimits({
    version: 'tlsv1.3',
    peerRecordSizeLimit: hs.peerRecordSizeLimit,
    ownRecordSizeLimit: config.recordSizeLimit,
    // RFC 6066 §4 in TLS 1.3: echoed in EncryptedExtensions and honoured both ways.
    maxFragmentLength: echoMaxFragmentLength(hs.maxFragmentLength, ee),
  });
  if (hs.serverName !== undefined) ee.set(ExtensionType.server_name, new Uint8Array(0));
  if (hs.alpn !== undefined) ee.set(ExtensionType.application_layer_protocol_negotiation, encodeAlpn([utf8(hs.alpn)]));
  if (hs.earlyAccepted) ee.set(ExtensionType.early_data, new Uint8Array(0));
  if (signer !== undefined) echoCertificateTypes(hs.certificateTypes, ch.extensions, ee, config.verifyPeer === true);
  send(frameHandshake(HandshakeType.encrypted_extensions, new EncryptedExtensions(ee)));
  let signed: MaybePromise<void> | undefined;
  if (signer !== undefined) {
    if (config.verifyPeer === true) {
      // RFC 8446 §4.3.2: CertificateRequest with an empty context during the handshake.
      const cr = new Extensions().set(
        ExtensionType.signature_algorithms,
        encodeSignatureSchemeList(schemeCodes(config.signatureAlgs)),
      );
      if (config.certificateAuthorities !== undefined && config.certificateAuthorities.length > 0) {
        cr.set(ExtensionType.certificate_authorities, encodeCertificateAuthorities(config.certificateAuthorities));
      }
      offerCertificateCompression(config, cr);
      send(frameHandshake(HandshakeType.certificate_request, new CertificateRequest(new Uint8Array(0), cr)));
      hs.certificateRequested = true;
    }
    const certified = signer.certified;
    // An OCSP staple speaks of an X.509 certificate; a raw public key has none (RFC 7250).
    const stapled =
      ch.extensions.has(ExtensionType.status_request) && hs.certificateTypes.server === 'x509'
        ? config.ocspResponse
        : undefined;
    const entries = certified.certificateChain.map((certData, i) => ({
      certData,
      extensions:
        i === 0 && stapled !== undefined
          ? new Extensions().set(ExtensionType.status_request, encodeCertificateStatus(stapled))
          : new Extensions(),
    }));
    // RFC 8879 §4: compressed when the client offered an algorithm we use.
    const certificate = frameCertificate(config, new Certificate(new Uint8Array(0), entries), ch.extensions);
    signed = andThen(certificate, (message) => {
      send(message);
      return sendCertificateVerify(core, certified.privateKey, signer.scheme, mainSink(core, hs.transcript));
    });
  }
  return andThen(signed, () => {
    sendFinished(core, h, keys.serverHandshakeSecret, mainSink(core, hs.transcript));
    const app = hs.traffic.applicationSecrets(keys.masterSecret, hs.transcript.current());
    hs.traffic.setWriteSecret(app.server);
    const next: ServerFinishKeys = { ...keys, clientAppSecret: app.client };
    if (hs.earlyAccepted) return new ExpectEndOfEarlyData(core, hs, next);
    return hs.certificateRequested
      ? new ExpectClientCertificate(core, hs, next)
      : new ExpectClientFinished(core, hs, next);
  });
}
