/**
 * The TLS 1.2 client's second flight (RFC 5246 §7.3): [Certificate], ClientKeyExchange,
 * [CertificateVerify], ChangeCipherSpec, Finished — with the master secret derived between them
 * (RFC 7627 §4: the session hash covers the transcript up to ClientKeyExchange).
 * @module
 */
import {
  type CipherSuite,
  groupByName,
  isPromiseLike,
  type MaybePromise,
  type PrivateKey,
  TlsAlert,
} from '@sslsocket/suites';
import type { ConnectionConfig } from '../config.js';
import { andThen, type ConnectionCore } from '../core.js';
import { frameHandshake, HandshakeType } from '../messages/handshake-type.js';
import { configuredGroups } from '../negotiate.js';
import type { ClientHandshake12 } from './client-handshake.js';
import {
  fullHandshakeMaster,
  installKeys,
  type Keys12,
  send12,
  sendFinished12,
  signCertificateVerify12,
} from './handshake.js';
import { clientExchange, clientExchangeForm, isPskExchange, premasterSecret } from './key-exchange.js';
import { Certificate12, ClientCertificateType, encodeClientKeyExchange } from './messages.js';
import { schemeCodes12, schemeFitsKey12 } from './suites.js';

/** Whether our certificate's key matches one of the requested certificate types and schemes. */
function certificateFits(key: PrivateKey, types: readonly number[], schemes: readonly number[]): boolean {
  const type =
    key.kind === 'rsa' || key.kind === 'rsa-pss' ? ClientCertificateType.rsa_sign : ClientCertificateType.ecdsa_sign;
  return types.includes(type) && schemes.some((c) => schemeFitsKey12(c, key) !== undefined);
}

/** The PSK identity and key for a PSK suite (RFC 4279 §5.1: the hint helps pick the identity). */
export function clientPsk(
  config: ConnectionConfig,
  hint: Uint8Array | undefined,
): MaybePromise<{ identity: Uint8Array; key: Uint8Array }> {
  const identity = config.pskIdentity;
  const lookup = config.userLookupFun;
  // Erlang psk_identity + user_lookup_fun take the hint into account; a fixed externalPsk (the
  // TLS 1.3 offer) serves when no lookup is configured.
  if ((identity === undefined || lookup === undefined) && config.externalPsk !== undefined)
    return { identity: config.externalPsk.identity, key: config.externalPsk.key };
  if (identity === undefined || lookup === undefined) throw new TlsAlert('handshake_failure', 'no PSK configured');
  const key = lookup(hint ?? new Uint8Array(0));
  const done = (k: Uint8Array | undefined): { identity: Uint8Array; key: Uint8Array } => {
    if (k === undefined) throw new TlsAlert('handshake_failure', 'no PSK for the server hint');
    return { identity, key: k };
  };
  return isPromiseLike(key) ? key.then(done) : done(key);
}

/**
 * The client's flight (RFC 5246 §7.3): [Certificate], ClientKeyExchange, [CertificateVerify],
 * ChangeCipherSpec, Finished. Resolves with the keys the server's Finished is checked with.
 */
export function sendClientFlight12(
  core: ConnectionCore,
  hs: ClientHandshake12,
  suite: CipherSuite,
): MaybePromise<Keys12> {
  const config = hs.config;
  const request = hs.certificateRequest;
  let signingKey: PrivateKey | undefined;
  if (request !== undefined) {
    const key = config.privateKey;
    const chain = config.certificateChain ?? [];
    const usable =
      key !== undefined &&
      chain.length > 0 &&
      certificateFits(key, request.certificateTypes, request.signatureAlgorithms);
    // RFC 5246 §7.4.6: with no suitable certificate the client sends an empty list.
    send12(core, hs, frameHandshake(HandshakeType.certificate, new Certificate12(usable ? [...chain] : [])));
    if (usable) signingKey = key;
  }
  const offeredGroups = configuredGroups(config).map((g) => groupByName(g)?.code ?? -1);
  const exchange = clientExchange(
    core.provider,
    suite,
    hs.params,
    hs.peerKey,
    offeredGroups,
    config.minDhBits ?? 1024,
    (n) => core.random(n),
    (group) => (group === undefined ? undefined : config.keyShareSecret?.(group)),
  );
  const psk = isPskExchange(suite) ? clientPsk(hs.config, hs.identityHint) : undefined;
  return andThen(exchange, (ex) =>
    andThen(psk, (p) => {
      const body = encodeClientKeyExchange(
        { identity: p?.identity, exchange: ex.exchange },
        p !== undefined,
        clientExchangeForm(suite),
      );
      send12(core, hs, frameHandshake(HandshakeType.client_key_exchange, body));
      const premaster = premasterSecret(suite, ex.secret, p?.key);
      const keys = installKeys(core, hs, suite, fullHandshakeMaster(core, hs, suite, premaster));
      const signed =
        signingKey === undefined || request === undefined
          ? undefined
          : signCertificateVerify12(
              core,
              hs,
              signingKey,
              request.signatureAlgorithms,
              schemeCodes12(config.signatureAlgs),
            );
      return andThen(signed, () => {
        core.record.changeWriteProtection12(keys.protections.client);
        sendFinished12(core, hs, keys);
        return keys;
      });
    }),
  );
}
