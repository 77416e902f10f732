/**
 * OpenSSL-style cipher strings for TLS 1.2 suites (`-cipher 'ECDHE+AESGCM:!aNULL:@STRENGTH'`), the
 * subset of ciphers(1) that matters for the suites this registry has; and the TLS 1.3
 * `-ciphersuites` list. OpenSSL's rules: tokens separated by `:`, `,` or spaces; `A+B` selects the
 * intersection; a bare selector appends, `-` removes, `!` removes for good, `+` moves to the end;
 * `@STRENGTH` sorts by key size; unknown selectors select nothing.
 * @module
 */
import { ALL_CIPHER_SUITES, type CipherSuite, isAnonymous, isPskSuite, suiteByName } from './cipher-suites.js';
import { UnknownCipherSuiteError } from './suite-functions.js';

/** Raised when a cipher string selects no suite at all (OpenSSL's "no cipher match"). */
export class CipherStringError extends Error {
  override readonly name = 'CipherStringError';
}

type Predicate = (suite: CipherSuite) => boolean;

const kx =
  (...names: string[]): Predicate =>
  (suite) =>
    names.includes(suite.keyExchange);
const au =
  (...names: string[]): Predicate =>
  (suite) =>
    names.includes(suite.authentication);
const ciphers =
  (...names: string[]): Predicate =>
  (suite) =>
    names.includes(suite.cipher);

const ALIASES: Readonly<Record<string, Predicate>> = {
  ALL: () => true,
  HIGH: () => true,
  COMPLEMENTOFALL: () => false,
  DEFAULT: (suite) => !isAnonymous(suite) && !isPskSuite(suite),
  COMPLEMENTOFDEFAULT: (suite) => isAnonymous(suite) || isPskSuite(suite),
  MEDIUM: () => false,
  LOW: () => false,
  EXPORT: () => false,
  eNULL: () => false,
  NULL: () => false,
  aNULL: isAnonymous,
  kRSA: kx('rsa'),
  RSA: kx('rsa'),
  aRSA: au('rsa'),
  kECDHE: kx('ecdhe', 'ecdh_anon'),
  kEECDH: kx('ecdhe', 'ecdh_anon'),
  ECDHE: kx('ecdhe'),
  EECDH: kx('ecdhe'),
  AECDH: kx('ecdh_anon'),
  kDHE: kx('dhe', 'dh_anon'),
  kEDH: kx('dhe', 'dh_anon'),
  DHE: kx('dhe'),
  EDH: kx('dhe'),
  ADH: kx('dh_anon'),
  aECDSA: au('ecdsa'),
  ECDSA: au('ecdsa'),
  aPSK: au('psk'),
  PSK: isPskSuite,
  kPSK: kx('psk'),
  kECDHEPSK: kx('ecdhe_psk'),
  kDHEPSK: kx('dhe_psk'),
  kRSAPSK: kx('rsa_psk'),
  AES: ciphers(
    'aes_128_gcm',
    'aes_256_gcm',
    'aes_128_ccm',
    'aes_256_ccm',
    'aes_128_ccm_8',
    'aes_256_ccm_8',
    'aes_128_cbc',
    'aes_256_cbc',
  ),
  AES128: ciphers('aes_128_gcm', 'aes_128_ccm', 'aes_128_ccm_8', 'aes_128_cbc'),
  AES256: ciphers('aes_256_gcm', 'aes_256_ccm', 'aes_256_ccm_8', 'aes_256_cbc'),
  AESGCM: ciphers('aes_128_gcm', 'aes_256_gcm'),
  AESCCM: ciphers('aes_128_ccm', 'aes_256_ccm', 'aes_128_ccm_8', 'aes_256_ccm_8'),
  AESCCM8: ciphers('aes_128_ccm_8', 'aes_256_ccm_8'),
  CHACHA20: ciphers('chacha20_poly1305'),
  SHA: (suite) => suite.mac === 'sha',
  SHA1: (suite) => suite.mac === 'sha',
  SHA256: (suite) => suite.mac === 'sha256',
  SHA384: (suite) => suite.mac === 'sha384',
  'TLSv1.2': (suite) => suite.mac !== 'sha',
  TLSv1: (suite) => suite.mac === 'sha',
  SSLv3: (suite) => suite.mac === 'sha',
};

const TLS12_SUITES = ALL_CIPHER_SUITES.filter((suite) => suite.versions.includes('tlsv1.2'));

function selectorPredicate(selector: string): Predicate {
  const parts = selector.split('+').map((part) => {
    // Own keys only: 'valueOf' or 'constructor' in a cipher string must not reach Object.prototype.
    const alias = Object.hasOwn(ALIASES, part) ? ALIASES[part] : undefined;
    if (alias !== undefined) return alias;
    const suite = suiteByName(part);
    // An unknown name selects nothing, as in OpenSSL.
    return suite === undefined ? () => false : (candidate: CipherSuite) => candidate.code === suite.code;
  });
  return (suite) => parts.every((predicate) => predicate(suite));
}

/**
 * Parses an OpenSSL cipher string into TLS 1.2 suites, in order.
 *
 * @example
 * parseCipherString('ECDHE+AESGCM:!aNULL').map((s) => s.opensslName);
 */
export function parseCipherString(text: string): CipherSuite[] {
  let list: CipherSuite[] = [];
  const banned = new Set<number>();
  for (const token of text.split(/[:, ]+/).filter((part) => part.length > 0)) {
    if (token.startsWith('@')) {
      if (token === '@STRENGTH') list = [...list].sort((a, b) => b.strengthBits - a.strengthBits);
      // @SECLEVEL=n has no effect here: every suite in the registry meets level 3.
      continue;
    }
    const prefix = '!-+'.includes(token[0] as string) ? (token[0] as string) : '';
    const predicate = selectorPredicate(token.slice(prefix.length));
    const matching = TLS12_SUITES.filter(predicate);
    if (prefix === '!') {
      for (const suite of matching) banned.add(suite.code);
      list = list.filter((suite) => !banned.has(suite.code));
    } else if (prefix === '-') {
      list = list.filter((suite) => !predicate(suite));
    } else if (prefix === '+') {
      list = [...list.filter((suite) => !predicate(suite)), ...list.filter(predicate)];
    } else {
      const present = new Set(list.map((suite) => suite.code));
      list.push(...matching.filter((suite) => !present.has(suite.code) && !banned.has(suite.code)));
    }
  }
  if (list.length === 0) throw new CipherStringError(`cipher string '${text}' selects no cipher suite`);
  return list;
}

/**
 * Parses a TLS 1.3 `-ciphersuites` list (colon-separated RFC names); unknown names are an error.
 *
 * @example
 * parseTls13CipherSuites('TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256');
 */
export function parseTls13CipherSuites(text: string): CipherSuite[] {
  const names = text.split(':').filter((name) => name.length > 0);
  return names.map((name) => {
    const suite = suiteByName(name);
    if (suite === undefined || !suite.versions.includes('tlsv1.3')) throw new UnknownCipherSuiteError(name);
    return suite;
  });
}
