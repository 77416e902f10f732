/**
 * The Erlang `ssl` cipher-suite functions with their exact names: cipherSuites, filterCipherSuites,
 * prependCipherSuites, appendCipherSuites, suiteToStr, suiteToOpensslStr, strToSuite.
 * @module
 */
import {
  ALL_CIPHER_SUITES,
  type AuthenticationName,
  type BulkCipherName,
  type CipherSuite,
  isAnonymous,
  isPskSuite,
  type KeyExchangeName,
  type MacName,
  suiteByName,
} from './cipher-suites.js';
import type { ProtocolVersionName } from './versions.js';

/** Raised for a cipher-suite name the registry does not know. */
export class UnknownCipherSuiteError extends Error {
  override readonly name = 'UnknownCipherSuiteError';
  constructor(readonly suiteName: string) {
    super(`unknown cipher suite '${suiteName}'`);
  }
}

/** Erlang's filter list `[{key_exchange, Fun}, {cipher, Fun}, {mac, Fun}, {prf, Fun}]`. */
export interface CipherSuiteFilters {
  readonly keyExchange?: (keyExchange: KeyExchangeName, authentication: AuthenticationName) => boolean;
  readonly cipher?: (cipher: BulkCipherName) => boolean;
  readonly mac?: (mac: MacName) => boolean;
  readonly prf?: (prf: 'SHA-256' | 'SHA-384') => boolean;
}

/** Suites that need no certificate (Erlang's "anonymous" class: anon and PSK suites). */
function needsExplicitEnable(suite: CipherSuite): boolean {
  return isAnonymous(suite) || isPskSuite(suite);
}

/** Suites introduced by TLS 1.2 (AEAD and SHA-2 MACs), as opposed to ones inherited from 1.0/1.1. */
function newInTls12(suite: CipherSuite): boolean {
  return suite.mac !== 'sha';
}

export function cipherSuites(
  kind: 'default' | 'all' | 'anonymous' | 'exclusive',
  version: ProtocolVersionName,
): CipherSuite[];
export function cipherSuites(
  kind: 'default' | 'all' | 'anonymous' | 'exclusive',
  version: ProtocolVersionName,
  format: 'rfc' | 'openssl',
): string[];
/**
 * Erlang `ssl:cipher_suites/2,3`: the default, all (except anonymous and PSK), anonymous (anon and
 * PSK, usable only when enabled explicitly), or exclusive (new in that version) suites of a version.
 *
 * @example
 * cipherSuites('default', 'tlsv1.3', 'rfc'); // ['TLS_AES_256_GCM_SHA384', ...]
 */
export function cipherSuites(
  kind: 'default' | 'all' | 'anonymous' | 'exclusive',
  version: ProtocolVersionName,
  format?: 'rfc' | 'openssl',
): CipherSuite[] | string[] {
  const forVersion = ALL_CIPHER_SUITES.filter((suite) => suite.versions.includes(version));
  let selected: CipherSuite[];
  switch (kind) {
    case 'default':
      selected = forVersion.filter((suite) => suite.isDefault);
      break;
    case 'all':
      selected = forVersion.filter((suite) => !needsExplicitEnable(suite));
      break;
    case 'anonymous':
      selected = forVersion.filter(needsExplicitEnable);
      break;
    case 'exclusive':
      selected =
        version === 'tlsv1.3'
          ? forVersion
          : forVersion.filter((suite) => newInTls12(suite) && !needsExplicitEnable(suite));
      break;
    default:
      throw new TypeError(`cipherSuites: unknown kind '${String(kind)}'`);
  }
  if (format === undefined) return selected;
  return selected.map((suite) => (format === 'rfc' ? suite.name : suiteToOpensslStr(suite)));
}

/**
 * Erlang `ssl:filter_cipher_suites/2`: keeps the suites every given filter accepts.
 *
 * @example
 * filterCipherSuites(cipherSuites('all', 'tlsv1.2'), { cipher: (c) => c.endsWith('gcm') });
 */
export function filterCipherSuites(suites: readonly CipherSuite[], filters: CipherSuiteFilters): CipherSuite[] {
  return suites.filter(
    (suite) =>
      (filters.keyExchange?.(suite.keyExchange, suite.authentication) ?? true) &&
      (filters.cipher?.(suite.cipher) ?? true) &&
      (filters.mac?.(suite.mac) ?? true) &&
      (filters.prf?.(suite.prfHash) ?? true),
  );
}

function selectFrom(
  selector: readonly CipherSuite[] | CipherSuiteFilters,
  suites: readonly CipherSuite[],
): CipherSuite[] {
  return Array.isArray(selector)
    ? [...(selector as readonly CipherSuite[])]
    : filterCipherSuites(suites, selector as CipherSuiteFilters);
}

/**
 * Erlang `ssl:prepend_cipher_suites/2`: `preferred` (a list, or filters applied to `suites`) first,
 * then the rest of `suites` without duplicates.
 */
export function prependCipherSuites(
  preferred: readonly CipherSuite[] | CipherSuiteFilters,
  suites: readonly CipherSuite[],
): CipherSuite[] {
  const front = selectFrom(preferred, suites);
  const codes = new Set(front.map((suite) => suite.code));
  return [...front, ...suites.filter((suite) => !codes.has(suite.code))];
}

/** Erlang `ssl:append_cipher_suites/2`: `deferred` moved (or added) to the end. */
export function appendCipherSuites(
  deferred: readonly CipherSuite[] | CipherSuiteFilters,
  suites: readonly CipherSuite[],
): CipherSuite[] {
  const back = selectFrom(deferred, suites);
  const codes = new Set(back.map((suite) => suite.code));
  return [...suites.filter((suite) => !codes.has(suite.code)), ...back];
}

/** Erlang `ssl:suite_to_str/1`: the RFC name. */
export function suiteToStr(suite: CipherSuite): string {
  return suite.name;
}

/** Erlang `ssl:suite_to_openssl_str/1`: OpenSSL's name (the RFC name where OpenSSL has none). */
export function suiteToOpensslStr(suite: CipherSuite): string {
  return suite.opensslName ?? suite.name;
}

/**
 * Erlang `ssl:str_to_suite/1`: accepts RFC and OpenSSL names.
 *
 * @example
 * strToSuite('ECDHE-RSA-AES128-GCM-SHA256').code; // 0xc02f
 */
export function strToSuite(name: string): CipherSuite {
  const suite = suiteByName(name.trim());
  if (suite === undefined) throw new UnknownCipherSuiteError(name);
  return suite;
}
