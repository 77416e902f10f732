/**
 * TLS 1.3 server states after its flight (RFC 8446 §4.4-§4.5, App. A.2).
 * @module
 */
import type { HandshakeMessageBytes } from '@sslsocket/record';
import { type MaybePromise, TlsAlert } from '@sslsocket/suites';
import { andThen, type ConnectionCore, expectType, type HandshakeState } from '../core.js';
import { Certificate } from '../messages/certificate.js';
import { decodeBody, HandshakeType } from '../messages/handshake-type.js';
import { receivePeerCertificate13 } from '../peer-auth.js';
import { checkFinished } from './auth.js';
import { unwrapCertificate } from './certificate-compression.js';
import { deriveSecret } from './key-schedule.js';
import { parameters13 } from './parameters.js';
import { issueTickets, type Resumption13, ServerConnected } from './server-connected.js';
import type { ServerHandshake } from './server-handshake.js';
import type { HandshakeKeys13 } from './traffic.js';

/** The key schedule after the server's flight: the handshake secrets and the client's application secret. */
export interface ServerFinishKeys extends HandshakeKeys13 {
  readonly clientAppSecret: Uint8Array;
}

/** RFC 8446 §4.5: accepted 0-RTT data ends with EndOfEarlyData under the early keys. */
export class ExpectEndOfEarlyData implements HandshakeState {
  readonly name = 'ExpectEndOfEarlyData';
  constructor(
    private readonly core: ConnectionCore,
    private readonly hs: ServerHandshake,
    private readonly keys: ServerFinishKeys,
  ) {}

  handle(message: HandshakeMessageBytes): HandshakeState {
    expectType(message, HandshakeType.end_of_early_data, this.name);
    if (message.body.length !== 0) throw new TlsAlert('decode_error', 'EndOfEarlyData has a body');
    this.hs.transcript.update(message.raw);
    this.hs.earlyData.end();
    this.hs.traffic.setReadSecret(this.keys.clientHandshakeSecret);
    return new ExpectClientFinished(this.core, this.hs, this.keys);
  }
}

export class ExpectClientCertificate implements HandshakeState {
  readonly name = 'ExpectClientCertificate';
  constructor(
    private readonly core: ConnectionCore,
    private readonly hs: ServerHandshake,
    private readonly keys: ServerFinishKeys,
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
    for (const e of cert.entries) {
      if (e.extensions.size > 0) throw new TlsAlert('unsupported_extension', 'unsolicited CertificateEntry extension');
    }
    const core = this.core;
    if (cert.entries.length === 0) {
      // RFC 8446 §4.4.2.4: without a certificate the server may continue or abort.
      if (this.hs.config.failIfNoPeerCert === true)
        throw new TlsAlert('certificate_required', 'client sent no certificate');
      this.hs.transcript.update(message.raw);
      return new ExpectClientFinished(core, this.hs, this.keys);
    }
    const hs = this.hs;
    const raw = hs.certificateTypes.client === 'raw_public_key';
    const seen = { serverName: hs.serverName, certificateType: hs.certificateTypes.client };
    return receivePeerCertificate13(core, hs.config, hs.transcript, message, cert.chain, seen, (key) => {
      // RFC 7250: a raw public key is no certificate chain; it is reported on its own.
      hs.peerChain = raw ? [] : cert.chain;
      hs.peerRawPublicKey = raw ? cert.chain[0] : undefined;
      hs.peerKey = key;
      return (scheme) => {
        hs.peerScheme = scheme;
        return new ExpectClientFinished(core, hs, this.keys);
      };
    });
  }
}

/** RFC 8446 §4.4.4: the client Finished, checked with the client handshake traffic secret. */
export class ExpectClientFinished implements HandshakeState {
  readonly name = 'ExpectClientFinished';
  constructor(
    private readonly core: ConnectionCore,
    private readonly hs: ServerHandshake,
    private readonly keys: ServerFinishKeys,
  ) {}

  handle(message: HandshakeMessageBytes): MaybePromise<HandshakeState> {
    expectType(message, HandshakeType.finished, this.name);
    const core = this.core;
    const hs = this.hs;
    checkFinished(core, hs.traffic.hash, message, this.keys.clientHandshakeSecret, hs.transcript);
    hs.traffic.setReadSecret(this.keys.clientAppSecret);
    const resumption: Resumption13 = {
      suite: this.keys.suite,
      resumptionMasterSecret: deriveSecret(
        core.provider,
        hs.traffic.hash,
        this.keys.masterSecret,
        'res master',
        hs.transcript.current(),
      ),
    };
    // Post-handshake authentication hashes on from here (RFC 8446 §4.6.2); only a client that
    // offered post_handshake_auth can be asked, so no other connection keeps a transcript.
    const handshakeTranscript = hs.postHandshakeAuth ? hs.transcript.fork() : undefined;
    core.record.completeHandshake();
    core.emit({
      type: 'handshakeComplete',
      parameters: parameters13(hs, this.keys.suite, {
        signatureScheme: hs.scheme,
        serverName: hs.serverName,
        resumed: hs.psk !== undefined,
      }),
    });
    return andThen(issueTickets(core, hs, resumption), () => new ServerConnected(core, hs, handshakeTranscript));
  }
}
