/**
 * The server's ServerKeyExchange (RFC 5246 §7.4.3, RFC 8422 §5.4, RFC 4279 §2-§4): ephemeral
 * parameters, the PSK identity hint, and the signature over client_random + server_random + params.
 * @module
 */
import {
  type CipherSuite,
  type DhParameters,
  ffdhePrime,
  type GroupName,
  groupByCode,
  isFfdheGroup,
  isPromiseLike,
  type MaybePromise,
  type PrivateKey,
  TlsAlert,
} from '@sslsocket/suites';
import { concat } from '../bytes.js';
import type { ConnectionConfig } from '../config.js';
import type { ConnectionCore } from '../core.js';
import { keyExchangeShape, type ServerEphemeral, serverEphemeral } from './key-exchange.js';
import { encodeServerKeyExchange, type KeyExchangeParams, paramsBytes } from './messages.js';
import type { Scheme12 } from './suites.js';

const FFDHE: readonly GroupName[] = ['ffdhe2048', 'ffdhe3072', 'ffdhe4096', 'ffdhe6144', 'ffdhe8192'];

/** The named group behind received parameters (RFC 7919 primes are recognised), if any. */
export function groupOfParams(params: KeyExchangeParams): GroupName | undefined {
  if (params.kind === 'ecdhe') return groupByCode(params.group)?.name;
  let p = 0n;
  for (const b of params.p) p = (p << 8n) | BigInt(b);
  return FFDHE.find((g) => isFfdheGroup(g) && ffdhePrime(g) === p);
}

/** The ServerKeyExchange body and the ephemeral key it commits to. */
export interface BuiltServerKeyExchange {
  readonly body: Uint8Array;
  readonly ephemeral: ServerEphemeral | undefined;
}

/**
 * Builds ServerKeyExchange for `suite`. `group` is the negotiated EC or FFDHE group (undefined for
 * custom DH parameters `dh`); `signer` signs for the authenticated (EC)DHE suites.
 */
export function buildServerKeyExchange(
  core: ConnectionCore,
  config: ConnectionConfig,
  suite: CipherSuite,
  randoms: { client: Uint8Array; server: Uint8Array },
  group: GroupName | undefined,
  dh: DhParameters | undefined,
  hint: Uint8Array | undefined,
  signer: { key: PrivateKey; scheme: Scheme12 } | undefined,
): MaybePromise<BuiltServerKeyExchange> {
  const shape = keyExchangeShape(suite);
  const kind = shape.params;
  const ephemeral =
    kind === undefined
      ? undefined
      : serverEphemeral(
          core.provider,
          kind,
          group,
          dh,
          group === undefined ? undefined : config.keyShareSecret?.(group),
        );
  const withEphemeral = (eph: ServerEphemeral | undefined): MaybePromise<BuiltServerKeyExchange> => {
    const paramsRaw = eph === undefined ? new Uint8Array(0) : paramsBytes(eph.params);
    const finish = (signature: Uint8Array | undefined): BuiltServerKeyExchange => ({
      ephemeral: eph,
      body: encodeServerKeyExchange(
        {
          identityHint: hint,
          params: eph?.params,
          paramsRaw,
          signatureScheme: signer?.scheme.code,
          signature,
        },
        shape,
      ),
    });
    if (!shape.signed) return finish(undefined);
    if (signer === undefined) throw new TlsAlert('internal_error', 'signed key exchange without a key');
    const signature = core.provider.sign(
      signer.scheme.name,
      signer.key,
      concat(randoms.client, randoms.server, paramsRaw),
    );
    return isPromiseLike(signature) ? signature.then(finish) : finish(signature);
  };
  return isPromiseLike(ephemeral) ? ephemeral.then(withEphemeral) : withEphemeral(ephemeral);
}
