/**
 * Client authentication on the DTLS 1.2 server (Erlang verify_peer; RFC 5246 §7.4.4, §7.4.6,
 * §7.4.8): the client's Certificate, verified by the configured hook, and its CertificateVerify
 * over every handshake message before it.
 * @module
 */
import { messages } from '@sslsocket/handshake';
import { Certificate12, schemeCodes12, schemeFitsKey12, verifyPeerChain } from '@sslsocket/handshake/tls12-kit';
import { Reader } from '@sslsocket/record';
import { isPromiseLike, type PublicKey, TlsAlert } from '@sslsocket/suites';
import { expectType } from './common.js';
import type { DtlsContext, DtlsHandshakeDriver } from './context.js';
import { type DtlsMessage, messageBytes } from './fragments.js';
import { sync } from './keys.js';

const T = messages.HandshakeType;

/** RFC 5246 §7.4.4 ClientCertificateType values. */
export const ClientCertificateType = { rsa_sign: 1, ecdsa_sign: 64 } as const;

/** RFC 5246 §7.4.6: the client's Certificate, possibly empty. */
export class ExpectClientCertificate implements DtlsHandshakeDriver {
  readonly name = 'ExpectClientCertificate';
  constructor(
    /** The state that takes ClientKeyExchange, given the client's key (undefined: no certificate). */
    private readonly next: (clientKey: PublicKey | undefined) => DtlsHandshakeDriver,
  ) {}

  handle(ctx: DtlsContext, message: DtlsMessage): DtlsHandshakeDriver | Promise<DtlsHandshakeDriver> {
    expectType(message, T.certificate, this.name);
    const cert = Certificate12.decode(new Reader(message.body));
    const hs = ctx.hs;
    hs.update(messageBytes(message));
    if (cert.chain.length === 0) {
      // RFC 5246 §7.4.6: without a certificate the server may go on or fail with handshake_failure.
      if (ctx.config.failIfNoPeerCert === true) throw new TlsAlert('handshake_failure', 'client sent no certificate');
      return this.next(undefined);
    }
    hs.peerChain = cert.chain;
    const verified = verifyPeerChain(ctx.config, cert.chain, {
      role: 'server',
      serverName: hs.serverName,
      ocspResponse: undefined,
    });
    const next = (key: PublicKey): DtlsHandshakeDriver => {
      hs.peerKey = key;
      return this.next(key);
    };
    return isPromiseLike(verified) ? verified.then(next) : next(verified);
  }
}

/** RFC 5246 §7.4.8: the client proves its key over every handshake message before this one. */
export class ExpectCertificateVerify implements DtlsHandshakeDriver {
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
