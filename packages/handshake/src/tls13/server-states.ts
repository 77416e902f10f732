/**
 * TLS 1.3 server states after its flight (RFC 8446 §4.4-§4.5, App. A.2).
 * @module
 */
import type { HandshakeMessageBytes } from '@sslsocket/record';
import { type MaybePromise, TlsAlert } from '@sslsocket/suites';
import { andThen, type ConnectionCore, expectType, type HandshakeState } from '../core.js';
import { Certificate } from '../messages/certificate.js';
import { decodeBody, HandshakeType } from '../messages/handshake-type.js';
import { schemeCodes } from '../negotiate.js';
import { authenticatePeer, ExpectCertificateVerify } from '../peer-auth.js';
import { checkFinished } from './auth.js';
import { deriveSecret } from './key-schedule.js';
import { parameters13 } from './parameters.js';
import { issueTickets, ServerConnected } from './server-connected.js';
import type { ServerHandshake } from './server-handshake.js';

/** RFC 8446 §4.5: accepted 0-RTT data ends with EndOfEarlyData under the early keys. */
export class ExpectEndOfEarlyData implements HandshakeState {
  readonly name = 'ExpectEndOfEarlyData';
  constructor(
    private readonly core: ConnectionCore,
    private readonly hs: ServerHandshake,
  ) {}

  handle(message: HandshakeMessageBytes): HandshakeState {
    expectType(message, HandshakeType.end_of_early_data, this.name);
    if (message.body.length !== 0) throw new TlsAlert('decode_error', 'EndOfEarlyData has a body');
    this.core.transcript.update(message.raw);
    this.hs.earlyData.end();
    this.hs.traffic.setReadSecret(this.hs.clientHandshakeSecret);
    return new ExpectClientFinished(this.core, this.hs, this.hs.clientHandshakeSecret);
  }
}

export class ExpectClientCertificate implements HandshakeState {
  readonly name = 'ExpectClientCertificate';
  constructor(
    private readonly core: ConnectionCore,
    private readonly hs: ServerHandshake,
  ) {}

  handle(message: HandshakeMessageBytes): MaybePromise<HandshakeState> {
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
      core.transcript.update(message.raw);
      return new ExpectClientFinished(core, this.hs, this.hs.clientHandshakeSecret);
    }
    const key = authenticatePeer(core, this.hs.config, cert.chain, { serverName: this.hs.serverName });
    return andThen(key, (k) => {
      this.hs.peerChain = cert.chain;
      this.hs.peerKey = k;
      core.transcript.update(message.raw);
      return new ExpectCertificateVerify(core, schemeCodes(this.hs.config.signatureAlgs), k, (scheme) => {
        this.hs.peerScheme = scheme;
        return new ExpectClientFinished(core, this.hs, this.hs.clientHandshakeSecret);
      });
    });
  }
}

/** RFC 8446 §4.4.4: the client Finished, checked with the client handshake traffic secret. */
export class ExpectClientFinished implements HandshakeState {
  readonly name = 'ExpectClientFinished';
  constructor(
    private readonly core: ConnectionCore,
    private readonly hs: ServerHandshake,
    private readonly clientHandshakeSecret: Uint8Array,
  ) {}

  handle(message: HandshakeMessageBytes): MaybePromise<HandshakeState> {
    expectType(message, HandshakeType.finished, this.name);
    const core = this.core;
    const hs = this.hs;
    checkFinished(core, hs.traffic.hash, message, this.clientHandshakeSecret);
    hs.traffic.setReadSecret(hs.clientAppSecret);
    hs.resumptionMasterSecret = deriveSecret(
      core.provider,
      hs.traffic.hash,
      hs.masterSecret,
      'res master',
      core.transcript.current(),
    );
    const handshakeTranscript = core.transcript.fork();
    core.record.completeHandshake();
    core.emit({
      type: 'handshakeComplete',
      parameters: parameters13(hs, {
        signatureScheme: hs.scheme,
        serverName: hs.serverName,
        resumed: hs.psk !== undefined,
      }),
    });
    return andThen(issueTickets(core, hs), () => new ServerConnected(core, hs, handshakeTranscript));
  }
}
