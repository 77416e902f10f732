/**
 * TLS 1.2 key exchange: the server's ephemeral parameters and their signature (RFC 5246 §7.4.3,
 * RFC 8422 §5.4), the client's answer (RFC 5246 §7.4.7), and the premaster secret for every
 * family: (EC)DHE, static RSA with the Bleichenbacher countermeasure (RFC 5246 §7.4.7.1), and the
 * PSK family (RFC 4279 §2-§4, RFC 5489 §2).
 * @module
 */
import {
  type CipherSuite,
  type CryptoProvider,
  type DhParameters,
  ffdhePrime,
  type GroupName,
  groupByCode,
  groupByName,
  isFfdheGroup,
  isPromiseLike,
  type KeyShare,
  type MaybePromise,
  type PrivateKey,
  type PublicKey,
  TlsAlert,
} from '@sslsocket/suites';
import { concat } from '../bytes.js';
import { completePeerShare } from '../key-share-guard.js';
import type { ClientExchangeForm, KeyExchangeParams, KeyExchangeShape } from './messages.js';

/** The ServerKeyExchange layout for a suite (RFC 4279 §2-§4 for the PSK family). */
export function keyExchangeShape(suite: CipherSuite): KeyExchangeShape {
  switch (suite.keyExchange) {
    case 'ecdhe':
      return { hint: false, params: 'ecdhe', signed: suite.authentication !== 'anon' };
    case 'ecdh_anon':
      return { hint: false, params: 'ecdhe', signed: false };
    case 'dhe':
      return { hint: false, params: 'dhe', signed: suite.authentication !== 'anon' };
    case 'dh_anon':
      return { hint: false, params: 'dhe', signed: false };
    case 'ecdhe_psk':
      return { hint: true, params: 'ecdhe', signed: false };
    case 'dhe_psk':
      return { hint: true, params: 'dhe', signed: false };
    default:
      // psk, rsa_psk: an optional ServerKeyExchange with the hint alone; rsa: none.
      return { hint: true, params: undefined, signed: false };
  }
}

/** Whether the server must send ServerKeyExchange (for psk / rsa_psk only when it has a hint). */
export function serverSendsKeyExchange(suite: CipherSuite, hint: Uint8Array | undefined): boolean {
  if (suite.keyExchange === 'rsa') return false;
  if (suite.keyExchange === 'psk' || suite.keyExchange === 'rsa_psk') return hint !== undefined;
  return true;
}

export function clientExchangeForm(suite: CipherSuite): ClientExchangeForm {
  switch (suite.keyExchange) {
    case 'ecdhe':
    case 'ecdh_anon':
    case 'ecdhe_psk':
      return 'ecdhe';
    case 'dhe':
    case 'dh_anon':
    case 'dhe_psk':
      return 'dhe';
    case 'rsa':
    case 'rsa_psk':
      return 'rsa';
    default:
      return 'none';
  }
}

export function isPskExchange(suite: CipherSuite): boolean {
  return suite.keyExchange === 'psk' || suite.keyExchange.endsWith('_psk');
}

export function bigintToBytes(value: bigint): Uint8Array {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function bytesToBigint(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/** RFC 5246 §8.1.2: leading zero bytes of the DH result are stripped. */
export function stripLeadingZeros(z: Uint8Array): Uint8Array {
  let i = 0;
  while (i < z.length - 1 && z[i] === 0) i++;
  return z.subarray(i);
}

/** The server's ephemeral key and the parameters it sends. */
export interface ServerEphemeral {
  readonly share: KeyShare;
  readonly params: KeyExchangeParams;
  readonly group: GroupName | undefined;
}

/**
 * Makes the server's ephemeral key: `group` is the negotiated EC or RFC 7919 group; DHE without a
 * named group uses `dh` (Erlang `dh` / `dhfile`).
 */
export function serverEphemeral(
  provider: CryptoProvider,
  kind: 'ecdhe' | 'dhe',
  group: GroupName | undefined,
  dh: DhParameters | undefined,
  fixedSecret: Uint8Array | undefined,
): MaybePromise<ServerEphemeral> {
  const build = (share: KeyShare): ServerEphemeral => {
    if (kind === 'ecdhe') {
      const code = groupByName(group as GroupName)?.code ?? 0;
      return { share, group, params: { kind, group: code, publicKey: share.publicKey } };
    }
    const parameters = group !== undefined && isFfdheGroup(group) ? { p: ffdhePrime(group), g: 2n } : dh;
    const p = (parameters as DhParameters).p;
    const g = (parameters as DhParameters).g;
    return { share, group, params: { kind, p: bigintToBytes(p), g: bigintToBytes(g), publicKey: share.publicKey } };
  };
  let share: MaybePromise<KeyShare>;
  if (kind === 'ecdhe' || (group !== undefined && isFfdheGroup(group))) {
    share = provider.keyShare(group as GroupName, fixedSecret);
  } else {
    if (dh === undefined) throw new TlsAlert('internal_error', 'DHE without parameters');
    share = provider.dhKeyShare(dh, fixedSecret);
  }
  return isPromiseLike(share) ? share.then(build) : build(share);
}

/** The PSK premaster (RFC 4279 §2): uint16 len, other_secret, uint16 len, psk. */
export function pskPremaster(other: Uint8Array, psk: Uint8Array): Uint8Array {
  return concat(
    Uint8Array.of(other.length >> 8, other.length & 0xff),
    other,
    Uint8Array.of(psk.length >> 8, psk.length & 0xff),
    psk,
  );
}

/** The client's key exchange value and the premaster it implies. */
export interface ClientExchange {
  readonly exchange: Uint8Array;
  /** The (EC)DH result or the RSA premaster; combined with the PSK for the PSK suites. */
  readonly secret: Uint8Array;
}

/**
 * The client's side of the exchange from the server's parameters (or the server's RSA key).
 * `offeredGroups` bounds the curves a server may pick; `minDhBits` the DH prime size.
 */
export function clientExchange(
  provider: CryptoProvider,
  suite: CipherSuite,
  params: KeyExchangeParams | undefined,
  serverKey: PublicKey | undefined,
  offeredGroups: readonly number[],
  minDhBits: number,
  random: (n: number) => Uint8Array,
  fixedSecret?: (group: GroupName | undefined) => Uint8Array | undefined,
): MaybePromise<ClientExchange> {
  const form = clientExchangeForm(suite);
  if (form === 'rsa') {
    if (serverKey?.kind !== 'rsa') throw new TlsAlert('handshake_failure', 'RSA key exchange needs an RSA certificate');
    // RFC 5246 §7.4.7.1: client_version (the highest we offer) then 46 random bytes.
    const premaster = concat(Uint8Array.of(3, 3), random(46));
    const encrypted = provider.rsaEncrypt(serverKey, premaster);
    const done = (exchange: Uint8Array): ClientExchange => ({ exchange, secret: premaster });
    return isPromiseLike(encrypted) ? encrypted.then(done) : done(encrypted);
  }
  if (form === 'none') return { exchange: new Uint8Array(0), secret: new Uint8Array(0) };
  if (params === undefined) throw new TlsAlert('unexpected_message', 'ServerKeyExchange missing');
  let share: MaybePromise<KeyShare>;
  let peer: Uint8Array;
  if (params.kind === 'ecdhe') {
    const group = groupByCode(params.group);
    if (group === undefined || group.kind !== 'ec' || !offeredGroups.includes(params.group)) {
      throw new TlsAlert('illegal_parameter', `server chose curve 0x${params.group.toString(16)} we did not offer`);
    }
    share = provider.keyShare(group.name, fixedSecret?.(group.name));
    peer = params.publicKey;
  } else {
    const p = bytesToBigint(params.p);
    const g = bytesToBigint(params.g);
    const bits = p.toString(2).length;
    // Logjam (RFC 7919 §1): refuse small primes; the group must at least look sane.
    if (bits < minDhBits) throw new TlsAlert('insufficient_security', `DH prime of ${bits} bits is too small`);
    if (g < 2n || g >= p - 1n || p % 2n === 0n) throw new TlsAlert('illegal_parameter', 'bad DH parameters');
    share = provider.dhKeyShare({ p, g }, fixedSecret?.(undefined));
    peer = params.publicKey;
  }
  const dhPrime = params.kind === 'dhe' ? bytesToBigint(params.p) : undefined;
  const complete = (s: KeyShare): MaybePromise<ClientExchange> => {
    const z = completePeerShare(s, peer, {
      sender: 'server',
      tls13: false,
      ...(dhPrime === undefined ? {} : { dhPrime }),
    });
    const done = (secret: Uint8Array): ClientExchange => ({
      exchange: s.publicKey,
      secret: params.kind === 'dhe' ? stripLeadingZeros(secret) : secret,
    });
    return isPromiseLike(z) ? z.then(done) : done(z);
  };
  return isPromiseLike(share) ? share.then(complete) : complete(share);
}

/**
 * The server's (EC)DH result or RSA premaster from the client's exchange value. For RSA a bad
 * padding or version silently becomes a random premaster (RFC 5246 §7.4.7.1), so the failure only
 * shows as a Finished mismatch later.
 */
export function serverSecret(
  provider: CryptoProvider,
  suite: CipherSuite,
  ephemeral: ServerEphemeral | undefined,
  exchange: Uint8Array,
  privateKey: PrivateKey | undefined,
  random: (n: number) => Uint8Array,
): MaybePromise<Uint8Array> {
  const form = clientExchangeForm(suite);
  if (form === 'none') return new Uint8Array(0);
  if (form === 'rsa') {
    const fallback = concat(Uint8Array.of(3, 3), random(46));
    const decrypted = provider.rsaDecrypt(privateKey as PrivateKey, exchange);
    const pick = (plain: Uint8Array | null): Uint8Array => {
      const ok = plain !== null && plain.length === 48 && plain[0] === 3 && plain[1] === 3;
      return ok ? plain : fallback;
    };
    return isPromiseLike(decrypted) ? decrypted.then(pick) : pick(decrypted);
  }
  const { share, params } = ephemeral as ServerEphemeral;
  const dhPrime = params.kind === 'dhe' ? bytesToBigint(params.p) : undefined;
  const z = completePeerShare(share, exchange, {
    sender: 'client',
    tls13: false,
    ...(dhPrime === undefined ? {} : { dhPrime }),
  });
  const done = (secret: Uint8Array): Uint8Array => (form === 'dhe' ? stripLeadingZeros(secret) : secret);
  return isPromiseLike(z) ? z.then(done) : done(z);
}

/** Combines the exchange result with the PSK for the PSK family; other suites use it as is. */
export function premasterSecret(suite: CipherSuite, secret: Uint8Array, psk: Uint8Array | undefined): Uint8Array {
  if (!isPskExchange(suite)) return secret;
  const key = psk as Uint8Array;
  // RFC 4279 §2: plain PSK uses N zero bytes as the other secret.
  const other = suite.keyExchange === 'psk' ? new Uint8Array(key.length) : secret;
  return pskPremaster(other, key);
}
