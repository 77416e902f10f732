/**
 * The client's second flight (RFC 8446 §4.4: [Certificate, CertificateVerify,] Finished), the switch
 * to application keys, and answers to post-handshake CertificateRequests (§4.6.2).
 * @module
 */
import { type HandshakeMessageBytes, Reader } from '@sslsocket/record';
import { type CipherSuite, type MaybePromise, TlsAlert } from '@sslsocket/suites';
import { rawPublicKeyCredential } from '../certificate-type.js';
import type { ConnectionConfig } from '../config.js';
import { andThen, type ConnectionCore } from '../core.js';
import { Certificate, CertificateRequest } from '../messages/certificate.js';
import { decodeSignatureSchemeList } from '../messages/extension-bodies.js';
import { Extensions, ExtensionType } from '../messages/extensions.js';
import { frameHandshake, HandshakeType } from '../messages/handshake-type.js';
import { schemeCodes } from '../negotiate.js';
import type { Transcript } from '../transcript.js';
import {
  chooseScheme,
  type MessageSink,
  mainSink,
  postHandshakeSink,
  sendCertificateVerify,
  sendFinished,
} from './auth.js';
import { frameCertificate } from './certificate-compression.js';
import { type ClientHandshake, switchToHandshakeWrite } from './client-handshake.js';
import { deriveSecret } from './key-schedule.js';
import type { HandshakeKeys13, TrafficSecrets } from './traffic.js';

/**
 * What the client keeps after its handshake for tickets and post-handshake authentication: not the
 * handshake itself, whose hello, key shares and transcript an established connection never needs.
 */
export class ClientPostHandshake {
  constructor(
    readonly core: ConnectionCore,
    /** The handshake's final configuration (credentials for post-handshake authentication). */
    readonly config: ConnectionConfig,
    /** The current traffic secrets (the Finished of post-handshake authentication uses them). */
    readonly traffic: TrafficSecrets,
    /** The negotiated suite: tickets resume with it (RFC 8446 §4.6.1). */
    readonly suite: CipherSuite,
    readonly resumptionMasterSecret: Uint8Array,
    /**
     * Transcript through the client Finished: the base of post-handshake authentication, kept only
     * when we offered post_handshake_auth (RFC 8446 §4.2.6: else no CertificateRequest may come).
     */
    readonly handshakeTranscript: Transcript | undefined,
  ) {}
}

/** Certificate (+ CertificateVerify when we have a key) in answer to a CertificateRequest. */
function sendClientCertificate(
  core: ConnectionCore,
  config: ConnectionConfig,
  cr: CertificateRequest,
  sink: MessageSink,
  /** RFC 7250: a raw public key was negotiated in EncryptedExtensions; it is our one entry. */
  raw = false,
): MaybePromise<void> {
  const chain = raw
    ? [rawPublicKeyCredential(config).certificateChain[0] as Uint8Array]
    : (config.certificateChain ?? []);
  const key = config.privateKey;
  const peerSchemes = decodeSignatureSchemeList(cr.extensions.get(ExtensionType.signature_algorithms) as Uint8Array);
  let scheme: ReturnType<typeof chooseScheme> | undefined;
  if (chain.length > 0 && key !== undefined) {
    try {
      scheme = chooseScheme(key, peerSchemes, schemeCodes(config.signatureAlgs));
    } catch {
      // RFC 8446 §4.4.2: no suitable certificate means an empty Certificate message.
      scheme = undefined;
    }
  }
  const entries = scheme === undefined ? [] : chain.map((certData) => ({ certData, extensions: new Extensions() }));
  // RFC 8879 §4: compressed when the server's CertificateRequest offered an algorithm we use.
  const certificate = frameCertificate(config, new Certificate(cr.certificateRequestContext, entries), cr.extensions);
  return andThen(certificate, (message) => {
    sink.send(message);
    if (scheme === undefined || key === undefined) return;
    return sendCertificateVerify(core, key, scheme, sink);
  });
}

/**
 * The client's second flight (RFC 8446 §4.4): application secrets, EndOfEarlyData when 0-RTT was
 * accepted, Certificate/CertificateVerify when asked, Finished. Resolves with what the connected
 * state keeps.
 */
export function sendClientSecondFlight(
  core: ConnectionCore,
  hs: ClientHandshake,
  keys: HandshakeKeys13,
): MaybePromise<ClientPostHandshake> {
  const p = core.provider;
  const h = hs.traffic.hash;
  const app = hs.traffic.applicationSecrets(keys.masterSecret, hs.transcript.current());
  hs.traffic.setReadSecret(app.server);
  // RFC 8446 §4.5: EndOfEarlyData, under the early traffic keys, ends accepted 0-RTT data.
  if (hs.earlyAccepted)
    core.queueHandshake(frameHandshake(HandshakeType.end_of_early_data, new Uint8Array(0)), hs.transcript);
  switchToHandshakeWrite(core, hs, keys.clientHandshakeSecret);
  const sink = mainSink(core, hs.transcript);
  const cert =
    hs.certificateRequest === undefined
      ? undefined
      : sendClientCertificate(
          core,
          hs.config,
          hs.certificateRequest,
          sink,
          hs.certificateTypes.client === 'raw_public_key',
        );
  return andThen(cert, () => {
    sendFinished(core, h, keys.clientHandshakeSecret, sink);
    hs.traffic.setWriteSecret(app.client);
    const resumption = deriveSecret(p, h, keys.masterSecret, 'res master', hs.transcript.current());
    const transcript = hs.config.postHandshakeAuth === true ? hs.transcript.fork() : undefined;
    hs.traffic.keepConfigOnly();
    const after = new ClientPostHandshake(core, hs.config, hs.traffic, keys.suite, resumption, transcript);
    core.record.completeHandshake();
    return after;
  });
}

/** RFC 8446 §4.6.2: Certificate, CertificateVerify, Finished under application keys. */
export function buildPostHandshakeAuthResponse(
  flight: ClientPostHandshake,
  message: HandshakeMessageBytes,
): MaybePromise<void> {
  const core = flight.core;
  const cr = CertificateRequest.decode(new Reader(message.body));
  if (cr.certificateRequestContext.length === 0)
    throw new TlsAlert('illegal_parameter', 'empty post-handshake context');
  if (!cr.extensions.has(ExtensionType.signature_algorithms))
    throw new TlsAlert('missing_extension', 'signature_algorithms');
  if (flight.handshakeTranscript === undefined)
    throw new TlsAlert('unexpected_message', 'unsolicited CertificateRequest');
  const transcript = flight.handshakeTranscript.fork();
  transcript.update(message.raw);
  const sink = postHandshakeSink(core, transcript);
  return andThen(sendClientCertificate(core, flight.config, cr, sink), () => {
    const traffic = flight.traffic;
    sendFinished(core, traffic.hash, traffic.writeSecret as Uint8Array, sink);
  });
}
