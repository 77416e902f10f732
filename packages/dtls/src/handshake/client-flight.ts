/**
 * The DTLS 1.2 client's key exchange flight (RFC 5246 §7.3): [Certificate], ClientKeyExchange,
 * [CertificateVerify], ChangeCipherSpec, Finished — for (EC)DHE and the PSK family (RFC 4279 §2,
 * RFC 5489 §2), the master secret derived between them (RFC 7627 §4: after ClientKeyExchange).
 * @module
 */
import { messages } from '@sslsocket/handshake';
import {
  Certificate12,
  type CertificateRequest12,
  chooseScheme12,
  clientExchange,
  clientExchangeForm,
  clientPsk,
  configuredGroups,
  ecGroups12,
  encodeClientKeyExchange,
  type KeyExchangeParams,
  premasterSecret,
  schemeCodes12,
  schemeFitsKey12,
} from '@sslsocket/handshake/tls12-kit';
import { Writer } from '@sslsocket/record';
import { type CipherSuite, groupByName, isPromiseLike, type MaybePromise } from '@sslsocket/suites';
import type { DtlsConfig } from '../config.js';
import type { DtlsContext } from './context.js';
import { protections, setMasterSecret, sync, verifyData } from './keys.js';

const T = messages.HandshakeType;

/** Whether a suite mixes in a pre-shared key (RFC 4279, RFC 5489). */
export function isPsk(suite: CipherSuite): boolean {
  return suite.keyExchange === 'psk' || suite.keyExchange === 'ecdhe_psk';
}

/** RFC 5246 §7.3 flight: [Certificate], ClientKeyExchange, [CertificateVerify], ChangeCipherSpec, Finished. */
export function sendClientFlight(
  ctx: DtlsContext,
  params: KeyExchangeParams | undefined,
  hint: Uint8Array | undefined,
  request: CertificateRequest12 | undefined,
): MaybePromise<void> {
  const hs = ctx.hs;
  const config = ctx.config;
  const suite = hs.suite as CipherSuite;
  let signer: { key: NonNullable<typeof config.privateKey>; code: number } | undefined;
  if (request !== undefined) {
    const key = config.privateKey;
    const chain = config.certificateChain ?? [];
    const scheme =
      key === undefined || chain.length === 0
        ? undefined
        : chooseScheme12(key, request.signatureAlgorithms, schemeCodes12(config.signatureAlgs));
    // RFC 5246 §7.4.6: with no suitable certificate the client sends an empty list.
    const usable = scheme !== undefined && key !== undefined;
    const w = new Writer(4096);
    new Certificate12(usable ? [...chain] : []).encode(w);
    ctx.queue(T.certificate, w.finish().slice());
    if (usable) signer = { key, code: scheme.code };
  }
  const offeredGroups = ecGroups12(configuredGroups(config)).map((g) => groupByName(g)?.code ?? -1);
  const ex = sync(
    clientExchange(ctx.provider, suite, params, hs.peerKey, offeredGroups, config.minDhBits ?? 1024, (n) =>
      ctx.random(n),
    ),
    'key exchange',
  );
  const psk = isPsk(suite) ? clientPsk(config, hint) : undefined;
  const finish = (p: { identity: Uint8Array; key: Uint8Array } | undefined): void => {
    const body = encodeClientKeyExchange(
      { identity: p?.identity, exchange: ex.exchange },
      p !== undefined,
      clientExchangeForm(suite),
    );
    ctx.queue(T.client_key_exchange, body);
    setMasterSecret(ctx, premasterSecret(suite, ex.secret, p?.key));
    finishFlight(ctx, signer);
  };
  return isPromiseLike(psk) ? psk.then(finish) : finish(psk);
}

/** After ClientKeyExchange: [CertificateVerify], ChangeCipherSpec, Finished. */
function finishFlight(
  ctx: DtlsContext,
  signer: { key: NonNullable<DtlsConfig['privateKey']>; code: number } | undefined,
): void {
  const hs = ctx.hs;
  const keys = protections(ctx);
  ctx.setPendingRead(keys.server);
  if (signer !== undefined) {
    const scheme = schemeFitsKey12(signer.code, signer.key) as { name: Parameters<typeof ctx.provider.sign>[0] };
    const sig = sync(ctx.provider.sign(scheme.name, signer.key, hs.messages()), 'sign');
    const w = new Writer(sig.length + 8);
    new messages.CertificateVerify(signer.code, sig).encode(w);
    ctx.queue(T.certificate_verify, w.finish().slice());
  }
  ctx.queueChangeCipherSpec(keys.client);
  hs.clientVerifyData = verifyData(ctx, 'client');
  ctx.queue(T.finished, hs.clientVerifyData);
  ctx.sendFlight(true);
}
