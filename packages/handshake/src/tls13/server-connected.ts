/**
 * The server after its handshake: NewSessionTickets (RFC 8446 §4.6.1), KeyUpdate (§4.6.3) and
 * post-handshake client authentication (§4.6.2).
 * @module
 */
import { type HandshakeMessageBytes, Reader } from '@sslsocket/record';
import { type CipherSuite, type MaybePromise, type PublicKey, TlsAlert } from '@sslsocket/suites';
import type { ConnectionConfig } from '../config.js';
import { andThen, type ConnectionCore, type HandshakeState, type LocalRequest } from '../core.js';
import { ConnectionStateError } from '../errors.js';
import { Certificate, CertificateRequest } from '../messages/certificate.js';
import { encodeSignatureSchemeList, encodeU32 } from '../messages/extension-bodies.js';
import { Extensions, ExtensionType } from '../messages/extensions.js';
import { frameHandshake, HandshakeType } from '../messages/handshake-type.js';
import { NewSessionTicket } from '../messages/simple.js';
import { schemeCodes } from '../negotiate.js';
import { authenticatePeer } from '../peer-auth.js';
import { skipOnStoreFailure } from '../store-failure.js';
import { currentTicketKeys, hasTicketKeys } from '../ticket-keys.js';
import { sealTicket, type TicketState } from '../tickets.js';
import type { Transcript } from '../transcript.js';
import { checkCertificateVerify, checkFinished } from './auth.js';
import { offerCertificateCompression, unwrapCertificate } from './certificate-compression.js';
import { resumptionPsk } from './key-schedule.js';
import { KeyUpdates } from './key-update.js';
import type { ServerHandshake } from './server-handshake.js';
import type { TrafficSecrets } from './traffic.js';

/** What tickets of a completed handshake resume (RFC 8446 §4.6.1): its suite and resumption secret. */
export interface Resumption13 {
  readonly suite: CipherSuite;
  readonly resumptionMasterSecret: Uint8Array;
}

/** Sends config.ticketCount tickets (default 1 when ticket keys or a ticket store are configured). */
export function issueTickets(
  core: ConnectionCore,
  hs: ServerHandshake,
  resumption: Resumption13,
  index = 0,
): MaybePromise<void> {
  const config = hs.config;
  const store = config.ticketStore;
  const suite = resumption.suite;
  if ((!hasTicketKeys(config.ticketKeys) && store === undefined) || index >= (config.ticketCount ?? 1)) return;
  const maxEarly = config.maxEarlyDataSize ?? 0;
  const lifetime = config.ticketLifetime ?? 7200;
  // RFC 8446 §4.6.1: a distinct nonce per ticket on this connection; a fresh random age_add.
  const nonce = Uint8Array.of(index >> 8, index & 0xff);
  const a = core.random(4);
  const ticketAgeAdd =
    ((a[0] as number) * 0x1000000 + (((a[1] as number) << 16) | ((a[2] as number) << 8) | (a[3] as number))) >>> 0;
  const state: TicketState = {
    cipherSuite: suite.code,
    psk: resumptionPsk(core.provider, suite.prfHash, resumption.resumptionMasterSecret, nonce),
    ticketAgeAdd,
    lifetime,
    issuedAt: core.now(),
    alpn: hs.alpn ?? '',
    maxEarlyDataSize: maxEarly,
  };
  // RFC 8446 §4.6.1: tickets are optional; a failing store or key provider means no more tickets
  // on this connection, which goes on.
  const sealed = skipOnStoreFailure<Uint8Array | undefined>(
    core,
    'issueTicket',
    () =>
      store !== undefined
        ? store.seal(state)
        : andThen(currentTicketKeys(config.ticketKeys), (keys) =>
            sealTicket(core.provider, keys[0] as Uint8Array, core.random(12), state),
          ),
    undefined,
  );
  return andThen<Uint8Array | undefined, void>(sealed, (ticket) => {
    if (ticket === undefined) return;
    const exts = new Extensions();
    if (maxEarly > 0) exts.set(ExtensionType.early_data, encodeU32(maxEarly));
    const nst = new NewSessionTicket(lifetime, ticketAgeAdd, nonce, ticket, exts);
    core.record.writeHandshakeOutsideTranscript(frameHandshake(HandshakeType.new_session_ticket, nst));
    return issueTickets(core, hs, resumption, index + 1);
  });
}

/** A post-handshake CertificateRequest in flight (RFC 8446 §4.6.2), by the message it expects next. */
type PendingAuth = { readonly context: Uint8Array; readonly transcript: Transcript } & (
  | { readonly step: 'certificate' }
  | { readonly step: 'verify'; readonly peerKey: PublicKey; readonly chain: Uint8Array[] }
  | { readonly step: 'finished'; readonly chain: Uint8Array[] }
);

/**
 * The established server. It keeps what post-handshake messages need (the configuration, the
 * traffic secrets, the transcript when the client offered post_handshake_auth), not the handshake:
 * an idle connection holds no hello, key share or transcript it will never use.
 */
export class ServerConnected implements HandshakeState {
  readonly name = 'ServerConnected';
  readonly established = true;
  private pending: PendingAuth | undefined;
  private readonly keyUpdates: KeyUpdates;
  private readonly config: ConnectionConfig;
  private readonly traffic: TrafficSecrets;
  private readonly serverName: string | undefined;

  constructor(
    private readonly core: ConnectionCore,
    hs: ServerHandshake,
    /** The transcript through the client Finished, when the client offered post_handshake_auth. */
    private readonly handshakeTranscript: Transcript | undefined,
  ) {
    this.config = hs.config;
    this.traffic = hs.traffic;
    this.serverName = hs.serverName;
    hs.traffic.keepConfigOnly();
    this.keyUpdates = new KeyUpdates(core, hs.traffic, hs.config.maxUnansweredKeyUpdates);
  }

  onApplicationData(): void {
    this.keyUpdates.applicationData();
  }

  /**
   * `requestClientCertificate()`: RFC 8446 §4.6.2, asks for a client certificate after the handshake
   * (the client must have offered post_handshake_auth).
   */
  onLocalRequest(request: LocalRequest): HandshakeState | undefined {
    if (typeof request === 'object') {
      this.keyUpdates.send(request.requestPeer);
      return this;
    }
    if (request !== 'requestCertificate') return undefined;
    const handshakeTranscript = this.handshakeTranscript;
    if (handshakeTranscript === undefined) throw new ConnectionStateError('client did not offer post_handshake_auth');
    if (this.pending !== undefined) throw new ConnectionStateError('a certificate request is in flight');
    const context = this.core.random(16);
    const exts = new Extensions().set(
      ExtensionType.signature_algorithms,
      encodeSignatureSchemeList(schemeCodes(this.config.signatureAlgs)),
    );
    offerCertificateCompression(this.config, exts);
    const raw = frameHandshake(HandshakeType.certificate_request, new CertificateRequest(context, exts));
    const transcript = handshakeTranscript.fork();
    transcript.update(raw);
    this.core.record.writeHandshakeOutsideTranscript(raw);
    this.pending = { context, transcript, step: 'certificate' };
    return this;
  }

  handle(received: HandshakeMessageBytes): MaybePromise<HandshakeState> {
    // RFC 8879 §4: a CompressedCertificate answering our post-handshake CertificateRequest.
    if (this.pending?.step === 'certificate') {
      return andThen(unwrapCertificate(this.config, received), (message) => this.afterUnwrap(message));
    }
    return this.afterUnwrap(received);
  }

  private afterUnwrap(message: HandshakeMessageBytes): MaybePromise<HandshakeState> {
    if (message.type === HandshakeType.key_update) {
      this.keyUpdates.receive(message);
      return this;
    }
    const auth = this.pending;
    if (auth === undefined)
      throw new TlsAlert('unexpected_message', `handshake type ${message.type} after the handshake`);
    const core = this.core;
    if (auth.step === 'certificate' && message.type === HandshakeType.certificate) {
      const cert = Certificate.decode(new Reader(message.body));
      if (cert.certificateRequestContext.join() !== auth.context.join()) {
        throw new TlsAlert('illegal_parameter', 'certificate_request_context mismatch');
      }
      if (cert.entries.length === 0) {
        if (this.config.failIfNoPeerCert === true)
          throw new TlsAlert('certificate_required', 'client sent no certificate');
        auth.transcript.update(message.raw);
        this.pending = { context: auth.context, transcript: auth.transcript, step: 'finished', chain: [] };
        return this;
      }
      const key = authenticatePeer(core, this.config, cert.chain, { serverName: this.serverName });
      return andThen(key, (k) => {
        auth.transcript.update(message.raw);
        this.pending = {
          context: auth.context,
          transcript: auth.transcript,
          step: 'verify',
          peerKey: k,
          chain: cert.chain,
        };
        return this;
      });
    }
    if (auth.step === 'verify' && message.type === HandshakeType.certificate_verify) {
      const offered = schemeCodes(this.config.signatureAlgs);
      return andThen(checkCertificateVerify(core, message, auth.peerKey, offered, auth.transcript), () => {
        this.pending = { context: auth.context, transcript: auth.transcript, step: 'finished', chain: auth.chain };
        return this;
      });
    }
    if (auth.step === 'finished' && message.type === HandshakeType.finished) {
      checkFinished(core, this.traffic.hash, message, this.traffic.readSecret as Uint8Array, auth.transcript);
      this.pending = undefined;
      core.emit({ type: 'peerCertificate', chain: auth.chain });
      return this;
    }
    throw new TlsAlert('unexpected_message', `handshake type ${message.type} during post-handshake authentication`);
  }
}
