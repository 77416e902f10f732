/**
 * TLS 1.3 client states after the ServerHello (RFC 8446 §4.3-§4.6, App. A.1).
 * @module
 */

import type { HandshakeMessageBytes } from '@sslsocket/record';
import { type MaybePromise, TlsAlert } from '@sslsocket/suites';
import { acceptAlpn } from '../alpn.js';
import { acceptCertificateTypes } from '../certificate-type.js';
import type { ConnectionConfig } from '../config.js';
import { andThen, type ConnectionCore, expectType, type HandshakeState, type LocalRequest } from '../core.js';
import { acceptMaxFragmentLength } from '../max-fragment.js';
import { Certificate, CertificateRequest } from '../messages/certificate.js';
import {
  decodeCertificateStatus,
  decodeEmpty,
  decodeRecordSizeLimit,
  decodeSignatureSchemeList,
  decodeU32,
} from '../messages/extension-bodies.js';
import { ExtensionType } from '../messages/extensions.js';
import { decodeBody, HandshakeType } from '../messages/handshake-type.js';
import { EncryptedExtensions, NewSessionTicket } from '../messages/simple.js';
import { receivePeerCertificate13 } from '../peer-auth.js';
import { checkFinished } from './auth.js';
import { unwrapCertificate } from './certificate-compression.js';
import { buildPostHandshakeAuthResponse, type ClientPostHandshake, sendClientSecondFlight } from './client-flight.js';
import type { ClientHandshake } from './client-handshake.js';
import { resumptionPsk } from './key-schedule.js';
import { KeyUpdates } from './key-update.js';
import { parameters13 } from './parameters.js';
import type { HandshakeKeys13 } from './traffic.js';

/** Extensions a server may put in EncryptedExtensions (RFC 8446 §4.2 table). */
const EE_ALLOWED: readonly number[] = [
  ExtensionType.server_name,
  ExtensionType.max_fragment_length,
  ExtensionType.supported_groups,
  ExtensionType.application_layer_protocol_negotiation,
  ExtensionType.record_size_limit,
  ExtensionType.early_data,
  ExtensionType.use_srtp,
  ExtensionType.heartbeat,
  ExtensionType.client_certificate_type,
  ExtensionType.server_certificate_type,
];

export class ExpectEncryptedExtensions implements HandshakeState {
  readonly name = 'ExpectEncryptedExtensions';
  constructor(
    private readonly core: ConnectionCore,
    private readonly hs: ClientHandshake,
    private readonly keys: HandshakeKeys13,
  ) {}

  handle(message: HandshakeMessageBytes): HandshakeState {
    expectType(message, HandshakeType.encrypted_extensions, this.name);
    const ee = decodeBody(message.body, EncryptedExtensions.decode);
    const offered = this.hs.hello.hello.extensions;
    for (const t of ee.extensions.types()) {
      if (!EE_ALLOWED.includes(t)) throw new TlsAlert('illegal_parameter', `extension ${t} in EncryptedExtensions`);
      // RFC 8446 §4.2: responses to extensions we did not send are unsupported_extension.
      if (!offered.has(t)) throw new TlsAlert('unsupported_extension', `unsolicited extension ${t}`);
    }
    const sni = ee.extensions.get(ExtensionType.server_name);
    if (sni !== undefined) decodeEmpty(sni, 'server_name');
    this.hs.alpn = acceptAlpn(this.hs.config, ee.extensions.get(ExtensionType.application_layer_protocol_negotiation));
    const limit = ee.extensions.get(ExtensionType.record_size_limit);
    // RFC 8449 §4: the server supports the extension, so our own advertised limit binds it too.
    if (limit !== undefined) this.hs.peerRecordSizeLimit = decodeRecordSizeLimit(limit);
    // RFC 6066 §4 in TLS 1.3: the max_fragment_length echo is in EncryptedExtensions.
    const mfl = acceptMaxFragmentLength(this.hs.config, ee.extensions.get(ExtensionType.max_fragment_length));
    if (limit !== undefined || mfl !== undefined) {
      this.core.record.applyRecordLimits({
        version: 'tlsv1.3',
        peerRecordSizeLimit: this.hs.peerRecordSizeLimit,
        ownRecordSizeLimit: this.hs.config.recordSizeLimit,
        maxFragmentLength: mfl,
      });
    }
    const early = ee.extensions.get(ExtensionType.early_data);
    if (early !== undefined) {
      decodeEmpty(early, 'early_data');
      // RFC 8446 §4.2.10: the server may accept only if we sent early data with the first PSK.
      if (!this.hs.earlySent || !this.hs.pskAccepted || this.hs.helloRetry) {
        throw new TlsAlert('illegal_parameter', 'server accepted early data we did not send');
      }
      this.hs.earlyAccepted = true;
    }
    if (this.hs.earlySent) this.core.emit({ type: 'earlyData', accepted: this.hs.earlyAccepted });
    // RFC 7250: the certificate types the server chose (X.509 when it did not answer).
    this.hs.certificateTypes = acceptCertificateTypes(this.hs.config, ee.extensions);
    this.hs.transcript.update(message.raw);
    if (this.hs.pskAccepted) return new ExpectFinished(this.core, this.hs, this.keys);
    return new ExpectCertificateOrCertificateRequest(this.core, this.hs, this.keys);
  }
}

export class ExpectCertificateOrCertificateRequest implements HandshakeState {
  readonly name = 'ExpectCertificateOrCertificateRequest';
  constructor(
    private readonly core: ConnectionCore,
    private readonly hs: ClientHandshake,
    private readonly keys: HandshakeKeys13,
  ) {}

  handle(message: HandshakeMessageBytes): MaybePromise<HandshakeState> {
    if (message.type === HandshakeType.certificate_request) {
      const cr = decodeBody(message.body, CertificateRequest.decode);
      // RFC 8446 §4.3.2: the context is empty during the handshake; signature_algorithms is required.
      if (cr.certificateRequestContext.length !== 0)
        throw new TlsAlert('illegal_parameter', 'non-empty request context');
      const sigs = cr.extensions.get(ExtensionType.signature_algorithms);
      if (sigs === undefined)
        throw new TlsAlert('missing_extension', 'CertificateRequest without signature_algorithms');
      decodeSignatureSchemeList(sigs);
      this.hs.certificateRequest = cr;
      this.hs.transcript.update(message.raw);
      return new ExpectCertificate(this.core, this.hs, this.keys);
    }
    return new ExpectCertificate(this.core, this.hs, this.keys).handle(message);
  }
}

export class ExpectCertificate implements HandshakeState {
  readonly name = 'ExpectCertificate';
  constructor(
    private readonly core: ConnectionCore,
    private readonly hs: ClientHandshake,
    private readonly keys: HandshakeKeys13,
  ) {}

  handle(received: HandshakeMessageBytes): MaybePromise<HandshakeState> {
    // RFC 8879 §4: a CompressedCertificate stands for the Certificate (its bytes stay in the transcript).
    return andThen(unwrapCertificate(this.hs.config, received), (message) => this.certificate(message));
  }

  private certificate(message: HandshakeMessageBytes): MaybePromise<HandshakeState> {
    expectType(message, HandshakeType.certificate, this.name);
    const cert = decodeBody(message.body, Certificate.decode);
    if (cert.certificateRequestContext.length !== 0)
      throw new TlsAlert('illegal_parameter', 'non-empty certificate context');
    // RFC 8446 §4.4.2.4: a server must send a certificate.
    if (cert.entries.length === 0) throw new TlsAlert('decode_error', 'empty server Certificate');
    const offered = this.hs.hello.hello.extensions;
    cert.entries.forEach((entry, i) => {
      for (const t of entry.extensions.types()) {
        if (
          !offered.has(t) ||
          (t !== ExtensionType.status_request && t !== ExtensionType.signed_certificate_timestamp)
        ) {
          throw new TlsAlert('unsupported_extension', `extension ${t} in CertificateEntry`);
        }
        if (t === ExtensionType.status_request && i === 0) {
          this.hs.ocspResponse = decodeCertificateStatus(entry.extensions.get(t) as Uint8Array);
        }
      }
    });
    const hs = this.hs;
    const raw = hs.certificateTypes.server === 'raw_public_key';
    // RFC 7250: a raw public key is no certificate chain; it is reported on its own.
    hs.peerChain = raw ? [] : cert.chain;
    hs.peerRawPublicKey = raw ? cert.chain[0] : undefined;
    const seen = { ocspResponse: hs.ocspResponse, certificateType: hs.certificateTypes.server };
    return receivePeerCertificate13(this.core, hs.config, hs.transcript, message, cert.chain, seen, (key) => {
      hs.peerKey = key;
      return (scheme) => {
        hs.peerScheme = scheme;
        return new ExpectFinished(this.core, hs, this.keys);
      };
    });
  }
}

/** RFC 8446 §4.4.4: the server Finished, checked with the server handshake traffic secret. */
export class ExpectFinished implements HandshakeState {
  readonly name = 'ExpectFinished';
  constructor(
    private readonly core: ConnectionCore,
    private readonly hs: ClientHandshake,
    private readonly keys: HandshakeKeys13,
  ) {}

  handle(message: HandshakeMessageBytes): MaybePromise<HandshakeState> {
    expectType(message, HandshakeType.finished, this.name);
    checkFinished(this.core, this.hs.traffic.hash, message, this.keys.serverHandshakeSecret, this.hs.transcript);
    return andThen(sendClientSecondFlight(this.core, this.hs, this.keys), (after) => {
      this.core.emit({
        type: 'handshakeComplete',
        parameters: parameters13(this.hs, this.keys.suite, {
          signatureScheme: this.hs.peerScheme,
          serverName: this.hs.config.serverName === false ? undefined : this.hs.config.serverName,
          resumed: this.hs.pskAccepted,
        }),
      });
      return new ClientConnected(this.core, this.hs, after);
    });
  }
}

/** After the handshake: NewSessionTicket, KeyUpdate and post-handshake CertificateRequest. */
export class ClientConnected implements HandshakeState {
  readonly name = 'ClientConnected';
  readonly established = true;
  private readonly keyUpdates: KeyUpdates;
  /** The ALPN protocol the handshake agreed (tickets remember it, RFC 8446 §4.2.10). */
  private readonly alpn: string | undefined;
  /**
   * The handshake's final configuration. The handshake itself is not kept: an idle connection
   * holds no hello, key share or transcript it will never use again.
   */
  private readonly config: ConnectionConfig;

  constructor(
    private readonly core: ConnectionCore,
    hs: ClientHandshake,
    private readonly after: ClientPostHandshake,
  ) {
    this.alpn = hs.alpn;
    this.config = hs.config;
    this.keyUpdates = new KeyUpdates(core, hs.traffic, hs.config.maxUnansweredKeyUpdates);
  }

  onApplicationData(): void {
    this.keyUpdates.applicationData();
  }

  /** `keyUpdate()` from the application (RFC 8446 §4.6.3). */
  onLocalRequest(request: LocalRequest): HandshakeState | undefined {
    if (typeof request !== 'object') return undefined;
    this.keyUpdates.send(request.requestPeer);
    return this;
  }

  handle(message: HandshakeMessageBytes): MaybePromise<HandshakeState> {
    const core = this.core;
    switch (message.type) {
      case HandshakeType.new_session_ticket: {
        const nst = decodeBody(message.body, NewSessionTicket.decode);
        // RFC 8446 §4.6.1 sets no count; each ticket costs a key derivation and a cache entry, so a
        // run of them with no application data is bounded like other idle records (maxIdleRecords).
        core.idleRecords.idle('NewSessionTicket');
        // RFC 8446 §4.6.1: early_data is the one NewSessionTicket extension we read; others are ignored.
        const early = nst.extensions.get(ExtensionType.early_data);
        const suite = this.after.suite;
        core.emit({
          type: 'newSessionTicket',
          session: {
            cipherSuite: suite.code,
            psk: resumptionPsk(core.provider, suite.prfHash, this.after.resumptionMasterSecret, nst.ticketNonce),
            ticket: nst.ticket,
            ticketAgeAdd: nst.ticketAgeAdd,
            lifetime: nst.ticketLifetime,
            receivedAt: core.now(),
            maxEarlyDataSize: early === undefined ? 0 : decodeU32(early),
            alpn: this.alpn,
            serverName: this.config.serverName === false ? undefined : this.config.serverName,
          },
        });
        return this;
      }
      case HandshakeType.key_update:
        this.keyUpdates.receive(message);
        return this;
      case HandshakeType.certificate_request: {
        // RFC 8446 §4.6.2: only if we offered post_handshake_auth.
        if (this.config.postHandshakeAuth !== true)
          throw new TlsAlert('unexpected_message', 'unsolicited CertificateRequest');
        return andThen(buildPostHandshakeAuthResponse(this.after, message), () => this);
      }
      default:
        throw new TlsAlert('unexpected_message', `handshake type ${message.type} after the handshake`);
    }
  }
}
