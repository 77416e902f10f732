/**
 * The DTLS 1.2 handshake's key schedule: TLS 1.2's (RFC 6347 §4.2: DTLS uses the TLS 1.2 PRF,
 * master secret, key block and Finished unchanged), with DTLS record protections; the cipher suites
 * DTLS can run; and the synchronous bridge to providers.
 * @module
 */
import {
  configuredSuites12,
  deriveKeyBlock,
  deriveMasterSecret,
  finishedVerifyData12,
  type MasterKeys,
} from '@sslsocket/handshake/tls12-kit';
import { type CipherSuite, type HashAlgorithm, isPromiseLike, type MaybePromise } from '@sslsocket/suites';
import type { DtlsConfig } from '../config.js';
import { DTLS12 } from '../constants.js';
import { DtlsCbcProtection } from '../record/cbc-protection.js';
import { AsyncProviderError, DtlsAeadProtection, type DtlsProtection } from '../record/protection.js';
import type { DtlsContext } from './context.js';

/** Key exchanges DTLS runs here: ECDHE, and the PSK family when listed (RFC 4279, RFC 5489). */
const KEY_EXCHANGES: readonly string[] = ['ecdhe', 'psk', 'ecdhe_psk'];

/**
 * The configured TLS 1.2 suites DTLS runs here: AEAD and CBC block ciphers (RFC 6347 §4.1.2.2
 * forbids stream ciphers; the TLS engine has none) with ECDHE or PSK key exchange (PSK suites only
 * when listed, as in TLS).
 */
export function dtlsSuites(config: DtlsConfig): CipherSuite[] {
  return configuredSuites12(config).filter(
    (s) => (s.aead !== undefined || s.cbc !== undefined) && KEY_EXCHANGES.includes(s.keyExchange),
  );
}

/** Runs `next` on a value that may be a Promise, without a microtask when it is not. */
export function andThen<T, U>(value: MaybePromise<T>, next: (v: T) => MaybePromise<U>): MaybePromise<U> {
  return isPromiseLike(value) ? value.then(next) : next(value);
}

/** The value of a provider call that must be synchronous here. */
export function sync<T>(value: MaybePromise<T>, what: string): T {
  if (isPromiseLike(value)) {
    // Do not leave the Promise unobserved.
    value.then(undefined, () => undefined);
    throw new AsyncProviderError(what);
  }
  return value;
}

/** RFC 5246 §8.1 / RFC 7627 §4: the master secret, from the premaster and (EMS) the session hash. */
export function setMasterSecret(ctx: DtlsContext, premaster: Uint8Array): void {
  const hs = ctx.hs;
  const suite = hs.suite as CipherSuite;
  const sessionHash = hs.extendedMasterSecret ? hs.transcript.current() : undefined;
  const masterSecret = deriveMasterSecret(
    ctx.provider,
    suite.prfHash,
    premaster,
    hs.clientRandom,
    hs.serverRandom,
    sessionHash,
  );
  hs.keys = { hash: suite.prfHash, masterSecret, clientRandom: hs.clientRandom, serverRandom: hs.serverRandom };
  ctx.keylog('CLIENT_RANDOM', hs.clientRandom, masterSecret);
}

/** Both directions' record protections from the key block (RFC 5246 §6.3). */
export function protections(ctx: DtlsContext): { client: DtlsProtection; server: DtlsProtection } {
  const suite = ctx.hs.suite as CipherSuite;
  const kb = deriveKeyBlock(ctx.provider, suite, ctx.hs.keys as MasterKeys);
  if (suite.aead === undefined) {
    // RFC 6347 §4.1.2.1 / RFC 5246 §6.2.3.2: CBC with HMAC, RFC 7366 encrypt-then-MAC if agreed.
    const cbc = suite.cbc as NonNullable<CipherSuite['cbc']>;
    const macHash = suite.macHash as HashAlgorithm;
    const options = { encryptThenMac: ctx.hs.encryptThenMac };
    return {
      client: DtlsCbcProtection.create(ctx.provider, cbc, kb.clientKey, macHash, kb.clientMac, DTLS12, options),
      server: DtlsCbcProtection.create(ctx.provider, cbc, kb.serverKey, macHash, kb.serverMac, DTLS12, options),
    };
  }
  const aead = suite.aead;
  return {
    client: DtlsAeadProtection.create(ctx.provider, aead, kb.clientKey, kb.clientIv),
    server: DtlsAeadProtection.create(ctx.provider, aead, kb.serverKey, kb.serverIv),
  };
}

/** RFC 5246 §7.4.9 verify_data over the transcript so far. */
export function verifyData(ctx: DtlsContext, sender: 'client' | 'server'): Uint8Array {
  return finishedVerifyData12(ctx.provider, ctx.hs.keys as MasterKeys, sender, ctx.hs.transcript.current());
}
