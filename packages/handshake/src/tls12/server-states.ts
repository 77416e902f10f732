/**
 * The TLS 1.2 server after its first flight (RFC 5246 §7.3): the client's Certificate,
 * ClientKeyExchange, CertificateVerify and Finished, then our [NewSessionTicket], CCS, Finished.
 * @module
 */
import type { HandshakeMessageBytes } from '@sslsocket/record';
import { type CipherSuite, type MaybePromise, type PublicKey, TlsAlert } from '@sslsocket/suites';
import { andThen, type ConnectionCore, expectType, type HandshakeState } from '../core.js';
import { CertificateVerify } from '../messages/certificate.js';
import { decodeBody, HandshakeType } from '../messages/handshake-type.js';
import { authenticatePeer } from '../peer-auth.js';
import { skipOnStoreFailure } from '../store-failure.js';
import {
  checkFinished12,
  completeHandshake12,
  fullHandshakeMaster,
  installKeys,
  type Keys12,
  sendFinished12,
  verifySignature12,
} from './handshake.js';
import { clientExchangeForm, isPskExchange, premasterSecret, serverSecret } from './key-exchange.js';
import { Certificate12, decodeClientKeyExchange } from './messages.js';
import type { ServerHandshake12 } from './server-handshake.js';
import { sendTicket, sessionState } from './server-handshake.js';
import { saveSession12 } from './session-lookup.js';

export class ExpectClientCertificate12 implements HandshakeState {
  readonly name = 'ExpectClientCertificate12';
  constructor(
    private readonly core: ConnectionCore,
    private readonly hs: ServerHandshake12,
    /** The suite our ServerHello chose. */
    private readonly suite: CipherSuite,
  ) {}

  handle(message: HandshakeMessageBytes): MaybePromise<HandshakeState> {
    expectType(message, HandshakeType.certificate, this.name);
    const core = this.core;
    const hs = this.hs;
    const cert = decodeBody(message.body, Certificate12.decode);
    hs.update(message.raw);
    if (cert.chain.length === 0) {
      // RFC 5246 §7.4.6: a server that requires a certificate answers handshake_failure.
      if (hs.config.failIfNoPeerCert === true) throw new TlsAlert('handshake_failure', 'client sent no certificate');
      return new ExpectClientKeyExchange12(core, hs, this.suite);
    }
    hs.peerChain = cert.chain;
    const key = authenticatePeer(core, hs.config, cert.chain, { serverName: hs.serverName });
    return andThen(key, (k) => {
      hs.peerKey = k;
      return new ExpectClientKeyExchange12(core, hs, this.suite);
    });
  }
}

export class ExpectClientKeyExchange12 implements HandshakeState {
  readonly name = 'ExpectClientKeyExchange12';
  constructor(
    private readonly core: ConnectionCore,
    private readonly hs: ServerHandshake12,
    /** The suite our ServerHello chose. */
    private readonly suite: CipherSuite,
  ) {}

  handle(message: HandshakeMessageBytes): MaybePromise<HandshakeState> {
    expectType(message, HandshakeType.client_key_exchange, this.name);
    const core = this.core;
    const hs = this.hs;
    const suite = this.suite;
    const psk = isPskExchange(suite);
    const cke = decodeBody(message.body, (r) => decodeClientKeyExchange(r, psk, clientExchangeForm(suite)));
    const secret = serverSecret(core.provider, suite, hs.ephemeral, cke.exchange, hs.certified?.privateKey, (n) =>
      core.random(n),
    );
    let key: MaybePromise<Uint8Array | undefined>;
    if (psk) {
      const lookup = hs.config.userLookupFun;
      if (lookup === undefined) throw new TlsAlert('internal_error', 'PSK suite without userLookupFun');
      key = lookup(cke.identity as Uint8Array);
    }
    return andThen(secret, (s) =>
      andThen(key, (k) => {
        // RFC 4279 §2: an unknown identity is unknown_psk_identity.
        if (psk && k === undefined) throw new TlsAlert('unknown_psk_identity', 'unknown PSK identity');
        hs.update(message.raw);
        const keys = installKeys(core, hs, suite, fullHandshakeMaster(core, hs, suite, premasterSecret(suite, s, k)));
        if (hs.peerKey !== undefined) return new ExpectClientCertificateVerify12(core, hs, hs.peerKey, keys);
        return new ExpectClientFinished12(core, hs, keys);
      }),
    );
  }
}

/** RFC 5246 §7.4.8: the client's signature over the handshake messages, with its certificate's key. */
export class ExpectClientCertificateVerify12 implements HandshakeState {
  readonly name = 'ExpectClientCertificateVerify12';
  constructor(
    private readonly core: ConnectionCore,
    private readonly hs: ServerHandshake12,
    private readonly peerKey: PublicKey,
    private readonly keys: Keys12,
  ) {}

  handle(message: HandshakeMessageBytes): MaybePromise<HandshakeState> {
    expectType(message, HandshakeType.certificate_verify, this.name);
    const hs = this.hs;
    const cv = decodeBody(message.body, CertificateVerify.decode);
    const checked = verifySignature12(
      this.core,
      cv.algorithm,
      hs.requestedSchemes,
      this.peerKey,
      hs.messages(),
      cv.signature,
    );
    return andThen(checked, () => {
      hs.update(message.raw);
      return new ExpectClientFinished12(this.core, hs, this.keys);
    });
  }
}

/** RFC 5246 §7.4.9: the client's Finished, checked with the master secret. */
export class ExpectClientFinished12 implements HandshakeState {
  readonly name = 'ExpectClientFinished12';
  constructor(
    private readonly core: ConnectionCore,
    private readonly hs: ServerHandshake12,
    private readonly keys: Keys12,
  ) {}

  handle(message: HandshakeMessageBytes): MaybePromise<HandshakeState> {
    expectType(message, HandshakeType.finished, this.name);
    const core = this.core;
    const hs = this.hs;
    const keys = this.keys;
    checkFinished12(core, hs, keys, message);
    if (hs.resumed) {
      completeHandshake12(core, hs, keys);
      return hs.connected(core, hs);
    }
    // Cached before our Finished goes out, so the client can resume anywhere the store is shared.
    // The ServerHello already carried the id; a failing store leaves it uncached (RFC 5246
    // §7.4.1.2: the server may decline to cache), so resuming it later is a full handshake.
    const saved =
      hs.sessionId.length > 0
        ? skipOnStoreFailure(
            core,
            'save',
            () => saveSession12(hs.config, hs.sessionId, sessionState(core, hs, keys)),
            undefined,
          )
        : undefined;
    const ticket = andThen(saved, () => (hs.issueTicket ? sendTicket(core, hs, keys) : undefined));
    return andThen(ticket, () => {
      core.record.changeWriteProtection12(keys.protections.server);
      sendFinished12(core, hs, keys);
      completeHandshake12(core, hs, keys);
      return hs.connected(core, hs);
    });
  }
}
