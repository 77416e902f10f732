/**
 * The TLS 1.2 key derivation (RFC 5246 §6.3, §7.4.9, §8.1; RFC 7627 §4; RFC 5705 §4): master secret,
 * key block, record protections, Finished verify_data and the keying-material exporter.
 * @module
 */
import { type RecordProtection, Tls12AeadProtection, Tls12CbcProtection } from '@sslsocket/record';
import type { CipherSuite, CryptoProvider, HashAlgorithm } from '@sslsocket/suites';
import { concat, utf8 } from '../bytes.js';

/** What the key block and Finished need, fixed once the master secret is known. */
export interface MasterKeys {
  readonly hash: HashAlgorithm;
  readonly masterSecret: Uint8Array;
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
}

/**
 * RFC 5246 §8.1: master_secret = PRF(pre_master_secret, "master secret", client_random + server_random);
 * with extended master secret (RFC 7627 §4) the label is "extended master secret" and the seed is
 * the session hash: the transcript up to and including ClientKeyExchange.
 */
export function deriveMasterSecret(
  provider: CryptoProvider,
  hash: HashAlgorithm,
  premaster: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  sessionHash: Uint8Array | undefined,
): Uint8Array {
  if (sessionHash !== undefined) {
    return provider.prf12(hash, premaster, utf8('extended master secret'), sessionHash, 48);
  }
  return provider.prf12(hash, premaster, utf8('master secret'), concat(clientRandom, serverRandom), 48);
}

/** A connection's pair of record protections, installed at each side's ChangeCipherSpec. */
export interface Protections {
  readonly client: RecordProtection;
  readonly server: RecordProtection;
}

/** The key block cut into its six parts. */
export interface KeyBlock {
  readonly clientMac: Uint8Array;
  readonly serverMac: Uint8Array;
  readonly clientKey: Uint8Array;
  readonly serverKey: Uint8Array;
  readonly clientIv: Uint8Array;
  readonly serverIv: Uint8Array;
}

/**
 * RFC 5246 §6.3: key_block = PRF(master, "key expansion", server_random + client_random), cut into
 * client/server MAC keys, write keys and fixed IVs, in that order.
 */
export function deriveKeyBlock(provider: CryptoProvider, suite: CipherSuite, keys: MasterKeys): KeyBlock {
  const macLength = suite.aead === undefined ? suite.macKeyLength : 0;
  const keyLength = suite.keyLength;
  const ivLength = suite.fixedIvLength;
  const total = 2 * (macLength + keyLength + ivLength);
  const block = provider.prf12(
    keys.hash,
    keys.masterSecret,
    utf8('key expansion'),
    concat(keys.serverRandom, keys.clientRandom),
    total,
  );
  let at = 0;
  const take = (n: number): Uint8Array => {
    const part = block.slice(at, at + n);
    at += n;
    return part;
  };
  return {
    clientMac: take(macLength),
    serverMac: take(macLength),
    clientKey: take(keyLength),
    serverKey: take(keyLength),
    clientIv: take(ivLength),
    serverIv: take(ivLength),
  };
}

/** The record protections for both directions, from the key block. */
export function deriveProtections(
  provider: CryptoProvider,
  suite: CipherSuite,
  keys: MasterKeys,
  encryptThenMac: boolean,
  random?: (length: number) => Uint8Array,
): Protections {
  const { clientMac, serverMac, clientKey, serverKey, clientIv, serverIv } = deriveKeyBlock(provider, suite, keys);
  if (suite.aead !== undefined) {
    return {
      client: Tls12AeadProtection.create(provider, suite.aead, clientKey, clientIv),
      server: Tls12AeadProtection.create(provider, suite.aead, serverKey, serverIv),
    };
  }
  const cbc = suite.cbc as NonNullable<CipherSuite['cbc']>;
  const macHash = suite.macHash as HashAlgorithm;
  return {
    client: Tls12CbcProtection.create(provider, cbc, clientKey, macHash, clientMac, {
      encryptThenMac,
      ...(random === undefined ? {} : { random }),
    }),
    server: Tls12CbcProtection.create(provider, cbc, serverKey, macHash, serverMac, {
      encryptThenMac,
      ...(random === undefined ? {} : { random }),
    }),
  };
}

/** RFC 5246 §7.4.9: verify_data = PRF(master, finished_label, Hash(handshake_messages))[0..11]. */
export function finishedVerifyData12(
  provider: CryptoProvider,
  keys: MasterKeys,
  sender: 'client' | 'server',
  transcriptHash: Uint8Array,
): Uint8Array {
  return provider.prf12(keys.hash, keys.masterSecret, utf8(`${sender} finished`), transcriptHash, 12);
}

/**
 * RFC 5705 §4: PRF(master_secret, label, client_random + server_random [+ context_length + context]).
 * A missing context and an empty one give different outputs, as the RFC requires.
 */
export function exportKeyingMaterial12(
  provider: CryptoProvider,
  keys: MasterKeys,
  label: string,
  context: Uint8Array | undefined,
  length: number,
): Uint8Array {
  const seed =
    context === undefined
      ? concat(keys.clientRandom, keys.serverRandom)
      : concat(
          keys.clientRandom,
          keys.serverRandom,
          Uint8Array.of(context.length >> 8, context.length & 0xff),
          context,
        );
  return provider.prf12(keys.hash, keys.masterSecret, utf8(label), seed, length);
}

/**
 * Erlang `ssl:prf/5`: PRF(secret, label, seed, length) with the connection's PRF hash, where the
 * secret is the master secret (Erlang `master_secret`) or given bytes, and the seed concatenates
 * literal bytes and the two randoms.
 */
export function erlangPrf(
  provider: CryptoProvider,
  keys: MasterKeys,
  label: Uint8Array,
  seed: readonly (Uint8Array | 'clientRandom' | 'serverRandom')[],
  length: number,
  secret: Uint8Array | 'masterSecret' = 'masterSecret',
): Uint8Array {
  const parts = seed.map((s) =>
    s === 'clientRandom' ? keys.clientRandom : s === 'serverRandom' ? keys.serverRandom : s,
  );
  const key = secret === 'masterSecret' ? keys.masterSecret : secret;
  return provider.prf12(keys.hash, key, label, concat(...parts), length);
}
