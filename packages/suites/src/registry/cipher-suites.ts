/**
 * The cipher-suite registry (IANA "TLS Cipher Suites"; RFC 8446 §B.4, RFC 5246 App. A.5, RFC 4279,
 * 5487, 5489, 6655, 7251, 7905, 8422). Each entry is listed once as (code, RFC name, OpenSSL name);
 * every other property is derived from the RFC name, so the table cannot disagree with itself.
 * @module
 */
import type { AeadAlgorithm, CbcAlgorithm, HashAlgorithm } from '../provider.js';
import type { ProtocolVersionName } from './versions.js';

export type KeyExchangeName =
  | 'any'
  | 'ecdhe'
  | 'dhe'
  | 'rsa'
  | 'psk'
  | 'ecdhe_psk'
  | 'dhe_psk'
  | 'rsa_psk'
  | 'dh_anon'
  | 'ecdh_anon';
export type AuthenticationName = 'any' | 'ecdsa' | 'rsa' | 'psk' | 'anon';
export type BulkCipherName =
  | 'aes_128_gcm'
  | 'aes_256_gcm'
  | 'chacha20_poly1305'
  | 'aes_128_ccm'
  | 'aes_256_ccm'
  | 'aes_128_ccm_8'
  | 'aes_256_ccm_8'
  | 'aes_128_cbc'
  | 'aes_256_cbc';
export type MacName = 'aead' | 'sha' | 'sha256' | 'sha384';

/** A TLS cipher suite with everything the handshake and record layers need to use it. */
export interface CipherSuite {
  /** The IANA code point. */
  readonly code: number;
  /** The RFC (IANA) name, e.g. `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`. */
  readonly name: string;
  /** OpenSSL's name, e.g. `ECDHE-RSA-AES128-GCM-SHA256`; undefined where OpenSSL has none. */
  readonly opensslName: string | undefined;
  readonly keyExchange: KeyExchangeName;
  readonly authentication: AuthenticationName;
  readonly cipher: BulkCipherName;
  readonly mac: MacName;
  /** The PRF / HKDF hash (TLS 1.2 suites without an explicit one use SHA-256, RFC 5246 §5). */
  readonly prfHash: 'SHA-256' | 'SHA-384';
  readonly versions: readonly ProtocolVersionName[];
  /** In the default list for its versions. */
  readonly isDefault: boolean;
  /** Record protection: an AEAD, or CBC with `macHash`. */
  readonly aead: AeadAlgorithm | undefined;
  readonly cbc: CbcAlgorithm | undefined;
  readonly macHash: HashAlgorithm | undefined;
  readonly keyLength: number;
  readonly macKeyLength: number;
  /** Implicit IV bytes from the key block (TLS 1.2: 4 for GCM/CCM, 12 for ChaCha20; TLS 1.3: 12). */
  readonly fixedIvLength: number;
  /** Explicit per-record IV or nonce bytes (TLS 1.2: 8 for GCM/CCM, 16 for CBC). */
  readonly recordIvLength: number;
  readonly tagLength: number;
  /** Grade for ordering: 256-bit strength ranks above 128 (the `@STRENGTH` sort). */
  readonly strengthBits: 128 | 256;
}

/** A signalling cipher-suite value (RFC 5746 §3.3, RFC 7507): never negotiated. */
export interface SignallingValue {
  readonly code: number;
  readonly name: string;
  readonly isSignalling: true;
}

export const TLS_EMPTY_RENEGOTIATION_INFO_SCSV: SignallingValue = Object.freeze({
  code: 0x00ff,
  name: 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV',
  isSignalling: true,
});

export const TLS_FALLBACK_SCSV: SignallingValue = Object.freeze({
  code: 0x5600,
  name: 'TLS_FALLBACK_SCSV',
  isSignalling: true,
});

// [code, RFC name, OpenSSL name (null where OpenSSL has none)], in preference order within a family.
const ENTRIES: readonly (readonly [number, string, string | null])[] = [
  [0x1302, 'TLS_AES_256_GCM_SHA384', 'TLS_AES_256_GCM_SHA384'],
  [0x1301, 'TLS_AES_128_GCM_SHA256', 'TLS_AES_128_GCM_SHA256'],
  [0x1303, 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_CHACHA20_POLY1305_SHA256'],
  [0x1304, 'TLS_AES_128_CCM_SHA256', 'TLS_AES_128_CCM_SHA256'],
  [0x1305, 'TLS_AES_128_CCM_8_SHA256', 'TLS_AES_128_CCM_8_SHA256'],
  [0xc02c, 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'ECDHE-ECDSA-AES256-GCM-SHA384'],
  [0xc030, 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'ECDHE-RSA-AES256-GCM-SHA384'],
  [0xc02b, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256'],
  [0xc02f, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'ECDHE-RSA-AES128-GCM-SHA256'],
  [0xcca9, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-ECDSA-CHACHA20-POLY1305'],
  [0xcca8, 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-RSA-CHACHA20-POLY1305'],
  [0xc0ad, 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM', 'ECDHE-ECDSA-AES256-CCM'],
  [0xc0ac, 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM', 'ECDHE-ECDSA-AES128-CCM'],
  [0xc0af, 'TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8', 'ECDHE-ECDSA-AES256-CCM8'],
  [0xc0ae, 'TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8', 'ECDHE-ECDSA-AES128-CCM8'],
  [0xc024, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', 'ECDHE-ECDSA-AES256-SHA384'],
  [0xc028, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', 'ECDHE-RSA-AES256-SHA384'],
  [0xc023, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', 'ECDHE-ECDSA-AES128-SHA256'],
  [0xc027, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', 'ECDHE-RSA-AES128-SHA256'],
  [0xc00a, 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', 'ECDHE-ECDSA-AES256-SHA'],
  [0xc014, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', 'ECDHE-RSA-AES256-SHA'],
  [0xc009, 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', 'ECDHE-ECDSA-AES128-SHA'],
  [0xc013, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', 'ECDHE-RSA-AES128-SHA'],
  [0x009f, 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', 'DHE-RSA-AES256-GCM-SHA384'],
  [0x009e, 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', 'DHE-RSA-AES128-GCM-SHA256'],
  [0xccaa, 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'DHE-RSA-CHACHA20-POLY1305'],
  [0xc09f, 'TLS_DHE_RSA_WITH_AES_256_CCM', 'DHE-RSA-AES256-CCM'],
  [0xc09e, 'TLS_DHE_RSA_WITH_AES_128_CCM', 'DHE-RSA-AES128-CCM'],
  [0xc0a3, 'TLS_DHE_RSA_WITH_AES_256_CCM_8', 'DHE-RSA-AES256-CCM8'],
  [0xc0a2, 'TLS_DHE_RSA_WITH_AES_128_CCM_8', 'DHE-RSA-AES128-CCM8'],
  [0x006b, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA256', 'DHE-RSA-AES256-SHA256'],
  [0x0067, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA256', 'DHE-RSA-AES128-SHA256'],
  [0x0039, 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA', 'DHE-RSA-AES256-SHA'],
  [0x0033, 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA', 'DHE-RSA-AES128-SHA'],
  [0x009d, 'TLS_RSA_WITH_AES_256_GCM_SHA384', 'AES256-GCM-SHA384'],
  [0x009c, 'TLS_RSA_WITH_AES_128_GCM_SHA256', 'AES128-GCM-SHA256'],
  [0xc09d, 'TLS_RSA_WITH_AES_256_CCM', 'AES256-CCM'],
  [0xc09c, 'TLS_RSA_WITH_AES_128_CCM', 'AES128-CCM'],
  [0xc0a1, 'TLS_RSA_WITH_AES_256_CCM_8', 'AES256-CCM8'],
  [0xc0a0, 'TLS_RSA_WITH_AES_128_CCM_8', 'AES128-CCM8'],
  [0x003d, 'TLS_RSA_WITH_AES_256_CBC_SHA256', 'AES256-SHA256'],
  [0x003c, 'TLS_RSA_WITH_AES_128_CBC_SHA256', 'AES128-SHA256'],
  [0x0035, 'TLS_RSA_WITH_AES_256_CBC_SHA', 'AES256-SHA'],
  [0x002f, 'TLS_RSA_WITH_AES_128_CBC_SHA', 'AES128-SHA'],
  [0xccac, 'TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256', 'ECDHE-PSK-CHACHA20-POLY1305'],
  [0xc038, 'TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384', 'ECDHE-PSK-AES256-CBC-SHA384'],
  [0xc037, 'TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256', 'ECDHE-PSK-AES128-CBC-SHA256'],
  [0xc036, 'TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA', 'ECDHE-PSK-AES256-CBC-SHA'],
  [0xc035, 'TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA', 'ECDHE-PSK-AES128-CBC-SHA'],
  [0x00ab, 'TLS_DHE_PSK_WITH_AES_256_GCM_SHA384', 'DHE-PSK-AES256-GCM-SHA384'],
  [0x00aa, 'TLS_DHE_PSK_WITH_AES_128_GCM_SHA256', 'DHE-PSK-AES128-GCM-SHA256'],
  [0xccad, 'TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256', 'DHE-PSK-CHACHA20-POLY1305'],
  [0xc0a7, 'TLS_DHE_PSK_WITH_AES_256_CCM', 'DHE-PSK-AES256-CCM'],
  [0xc0a6, 'TLS_DHE_PSK_WITH_AES_128_CCM', 'DHE-PSK-AES128-CCM'],
  [0xc0ab, 'TLS_PSK_DHE_WITH_AES_256_CCM_8', 'DHE-PSK-AES256-CCM8'],
  [0xc0aa, 'TLS_PSK_DHE_WITH_AES_128_CCM_8', 'DHE-PSK-AES128-CCM8'],
  [0x00b3, 'TLS_DHE_PSK_WITH_AES_256_CBC_SHA384', 'DHE-PSK-AES256-CBC-SHA384'],
  [0x00b2, 'TLS_DHE_PSK_WITH_AES_128_CBC_SHA256', 'DHE-PSK-AES128-CBC-SHA256'],
  [0x0091, 'TLS_DHE_PSK_WITH_AES_256_CBC_SHA', 'DHE-PSK-AES256-CBC-SHA'],
  [0x0090, 'TLS_DHE_PSK_WITH_AES_128_CBC_SHA', 'DHE-PSK-AES128-CBC-SHA'],
  [0x00ad, 'TLS_RSA_PSK_WITH_AES_256_GCM_SHA384', 'RSA-PSK-AES256-GCM-SHA384'],
  [0x00ac, 'TLS_RSA_PSK_WITH_AES_128_GCM_SHA256', 'RSA-PSK-AES128-GCM-SHA256'],
  [0xccae, 'TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256', 'RSA-PSK-CHACHA20-POLY1305'],
  [0x00b7, 'TLS_RSA_PSK_WITH_AES_256_CBC_SHA384', 'RSA-PSK-AES256-CBC-SHA384'],
  [0x00b6, 'TLS_RSA_PSK_WITH_AES_128_CBC_SHA256', 'RSA-PSK-AES128-CBC-SHA256'],
  [0x0095, 'TLS_RSA_PSK_WITH_AES_256_CBC_SHA', 'RSA-PSK-AES256-CBC-SHA'],
  [0x0094, 'TLS_RSA_PSK_WITH_AES_128_CBC_SHA', 'RSA-PSK-AES128-CBC-SHA'],
  [0x00a9, 'TLS_PSK_WITH_AES_256_GCM_SHA384', 'PSK-AES256-GCM-SHA384'],
  [0x00a8, 'TLS_PSK_WITH_AES_128_GCM_SHA256', 'PSK-AES128-GCM-SHA256'],
  [0xccab, 'TLS_PSK_WITH_CHACHA20_POLY1305_SHA256', 'PSK-CHACHA20-POLY1305'],
  [0xc0a5, 'TLS_PSK_WITH_AES_256_CCM', 'PSK-AES256-CCM'],
  [0xc0a4, 'TLS_PSK_WITH_AES_128_CCM', 'PSK-AES128-CCM'],
  [0xc0a9, 'TLS_PSK_WITH_AES_256_CCM_8', 'PSK-AES256-CCM8'],
  [0xc0a8, 'TLS_PSK_WITH_AES_128_CCM_8', 'PSK-AES128-CCM8'],
  [0x00af, 'TLS_PSK_WITH_AES_256_CBC_SHA384', 'PSK-AES256-CBC-SHA384'],
  [0x00ae, 'TLS_PSK_WITH_AES_128_CBC_SHA256', 'PSK-AES128-CBC-SHA256'],
  [0x008d, 'TLS_PSK_WITH_AES_256_CBC_SHA', 'PSK-AES256-CBC-SHA'],
  [0x008c, 'TLS_PSK_WITH_AES_128_CBC_SHA', 'PSK-AES128-CBC-SHA'],
  [0x00a7, 'TLS_DH_anon_WITH_AES_256_GCM_SHA384', 'ADH-AES256-GCM-SHA384'],
  [0x00a6, 'TLS_DH_anon_WITH_AES_128_GCM_SHA256', 'ADH-AES128-GCM-SHA256'],
  [0x006d, 'TLS_DH_anon_WITH_AES_256_CBC_SHA256', 'ADH-AES256-SHA256'],
  [0x006c, 'TLS_DH_anon_WITH_AES_128_CBC_SHA256', 'ADH-AES128-SHA256'],
  [0x003a, 'TLS_DH_anon_WITH_AES_256_CBC_SHA', 'ADH-AES256-SHA'],
  [0x0034, 'TLS_DH_anon_WITH_AES_128_CBC_SHA', 'ADH-AES128-SHA'],
  [0xc019, 'TLS_ECDH_anon_WITH_AES_256_CBC_SHA', 'AECDH-AES256-SHA'],
  [0xc018, 'TLS_ECDH_anon_WITH_AES_128_CBC_SHA', 'AECDH-AES128-SHA'],
];

/** Suites in the default lists (RFC 9325 §4.2 recommendations: forward secrecy and AEAD only). */
const DEFAULTS = new Set([
  0x1302, 0x1301, 0x1303, 0x1304, 0xc02c, 0xc030, 0xc02b, 0xc02f, 0xcca9, 0xcca8, 0xc0ad, 0xc0ac, 0x009f, 0x009e,
  0xccaa,
]);

const KEY_EXCHANGES: readonly [string, KeyExchangeName, AuthenticationName][] = [
  ['ECDHE_ECDSA', 'ecdhe', 'ecdsa'],
  ['ECDHE_RSA', 'ecdhe', 'rsa'],
  ['ECDHE_PSK', 'ecdhe_psk', 'psk'],
  ['DHE_RSA', 'dhe', 'rsa'],
  ['DHE_PSK', 'dhe_psk', 'psk'],
  ['PSK_DHE', 'dhe_psk', 'psk'],
  ['RSA_PSK', 'rsa_psk', 'rsa'],
  ['RSA', 'rsa', 'rsa'],
  ['PSK', 'psk', 'psk'],
  ['DH_anon', 'dh_anon', 'anon'],
  ['ECDH_anon', 'ecdh_anon', 'anon'],
];

function deriveSuite(code: number, name: string, opensslName: string | null): CipherSuite {
  const tls13 = !name.includes('_WITH_');
  let keyExchange: KeyExchangeName = 'any';
  let authentication: AuthenticationName = 'any';
  let rest = name.slice('TLS_'.length);
  if (!tls13) {
    const [kx, bulk] = rest.split('_WITH_') as [string, string];
    const match = KEY_EXCHANGES.find(([prefix]) => prefix === kx);
    if (match === undefined) throw new Error(`registry: unknown key exchange in ${name}`);
    [, keyExchange, authentication] = match;
    rest = bulk;
  }
  const cipher = (
    [
      'AES_128_GCM',
      'AES_256_GCM',
      'CHACHA20_POLY1305',
      'AES_128_CCM_8',
      'AES_256_CCM_8',
      'AES_128_CCM',
      'AES_256_CCM',
      'AES_128_CBC',
      'AES_256_CBC',
    ] as const
  ).find((candidate) => rest.startsWith(candidate));
  if (cipher === undefined) throw new Error(`registry: unknown cipher in ${name}`);
  const macPart = rest.slice(cipher.length + 1);
  const isCbc = cipher.endsWith('CBC');
  const mac: MacName = isCbc ? (macPart.toLowerCase() as MacName) : 'aead';
  const prfHash = macPart === 'SHA384' ? 'SHA-384' : 'SHA-256';
  const keyLength = cipher.includes('256') || cipher === 'CHACHA20_POLY1305' ? 32 : 16;
  const aeadByCipher: Record<string, AeadAlgorithm> = {
    AES_128_GCM: 'AES-128-GCM',
    AES_256_GCM: 'AES-256-GCM',
    CHACHA20_POLY1305: 'CHACHA20-POLY1305',
    AES_128_CCM: 'AES-128-CCM',
    AES_256_CCM: 'AES-256-CCM',
    AES_128_CCM_8: 'AES-128-CCM-8',
    AES_256_CCM_8: 'AES-256-CCM-8',
  };
  const macHash: HashAlgorithm | undefined = !isCbc
    ? undefined
    : mac === 'sha'
      ? 'SHA-1'
      : mac === 'sha256'
        ? 'SHA-256'
        : 'SHA-384';
  const isChaCha = cipher === 'CHACHA20_POLY1305';
  return Object.freeze({
    code,
    name,
    opensslName: opensslName ?? undefined,
    keyExchange,
    authentication,
    cipher: cipher.toLowerCase() as BulkCipherName,
    mac,
    prfHash,
    versions: Object.freeze(tls13 ? (['tlsv1.3'] as const) : (['tlsv1.2'] as const)),
    isDefault: DEFAULTS.has(code),
    aead: isCbc ? undefined : aeadByCipher[cipher],
    cbc: isCbc ? (keyLength === 32 ? 'AES-256-CBC' : 'AES-128-CBC') : undefined,
    macHash,
    keyLength,
    macKeyLength: macHash === 'SHA-1' ? 20 : macHash === 'SHA-256' ? 32 : macHash === 'SHA-384' ? 48 : 0,
    // RFC 8446 §5.3: 12-byte IVs; RFC 5288 §3 / RFC 6655 §3: 4-byte salt; RFC 7905 §2: 12 bytes.
    fixedIvLength: tls13 || isChaCha ? 12 : isCbc ? 0 : 4,
    recordIvLength: tls13 || isChaCha ? 0 : isCbc ? 16 : 8,
    tagLength: isCbc ? 0 : cipher.endsWith('CCM_8') ? 8 : 16,
    strengthBits: keyLength === 32 ? 256 : 128,
  } satisfies CipherSuite);
}

/** Every suite the registry knows, in preference order. */
export const ALL_CIPHER_SUITES: readonly CipherSuite[] = Object.freeze(
  ENTRIES.map(([code, name, opensslName]) => deriveSuite(code, name, opensslName)),
);

const byCode = new Map(ALL_CIPHER_SUITES.map((suite) => [suite.code, suite]));
const byName = new Map<string, CipherSuite>();
for (const suite of ALL_CIPHER_SUITES) {
  byName.set(suite.name.toUpperCase(), suite);
  if (suite.opensslName !== undefined) byName.set(suite.opensslName.toUpperCase(), suite);
}

/** The suite with an IANA code, or undefined. */
export function suiteByCode(code: number): CipherSuite | undefined {
  return byCode.get(code);
}

/** The suite with an RFC or OpenSSL name (case-insensitive), or undefined. */
export function suiteByName(name: string): CipherSuite | undefined {
  return byName.get(name.toUpperCase());
}

/** True for suites that authenticate nobody (never negotiated unless explicitly enabled). */
export function isAnonymous(suite: CipherSuite): boolean {
  return suite.authentication === 'anon';
}

/** True for the PSK family (RFC 4279, 5487, 5489). */
export function isPskSuite(suite: CipherSuite): boolean {
  return suite.keyExchange === 'psk' || suite.keyExchange.endsWith('_psk');
}
