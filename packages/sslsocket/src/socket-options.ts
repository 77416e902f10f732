import type { CrlCheckMode, CrlSource, HostnameMatchFun, ParsedCertificate, VerifyFun } from '@sslsocket/pkix';
import {
  type CipherSuite,
  type CryptoProvider,
  type GroupName,
  groupByName,
  NAMED_GROUPS,
  type PrivateKey,
  SIGNATURE_SCHEMES,
  type SignatureSchemeName,
  schemeByCode,
} from '@sslsocket/suites';
import type { Tls12ClientOptions, Tls12ServerOptions } from './tls12-options.js';

/** Erlang's active modes: deliver data as events (`true`), once, N times, or only through recv (`false`). */
export type ActiveMode = boolean | 'once' | number;

/** A TLS 1.2 signature_algorithms entry written as Erlang does: `[hash, sign]` (RFC 5246 §7.4.1.4.1). */
export type HashSignPair = readonly [
  'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512',
  'rsa' | 'dsa' | 'ecdsa',
];

/** Options shared by clients and servers (Erlang common options, camelCased). */
export interface CommonOptions {
  /** Crypto implementation (default 'node' where node:crypto exists, else 'noble'). */
  readonly provider?: 'noble' | 'webcrypto' | 'node' | CryptoProvider;
  readonly versions?: readonly ('tlsv1.2' | 'tlsv1.3')[];
  /** Suites: an OpenSSL cipher string, or a list of names or suite objects (Erlang `ciphers`). */
  readonly ciphers?: string | readonly (string | CipherSuite)[];
  /** Key-exchange groups in preference order (Erlang `eccs` / `supported_groups`). */
  readonly eccs?: readonly GroupName[];
  /** Scheme names; Erlang's TLS 1.2 `[hash, sign]` pairs are listed in {@link AWAITING_WIRING} until wired. */
  readonly signatureAlgs?: readonly (SignatureSchemeName | HashSignPair)[];
  readonly signatureAlgsCert?: readonly SignatureSchemeName[];
  readonly verify?: 'verify_none' | 'verify_peer';
  /** Trusted roots: DER or PEM text. */
  readonly cacerts?: readonly (Uint8Array | string)[];
  readonly cacertfile?: string;
  /** Our chain: DER (one or a list, leaf first) or PEM text. */
  readonly cert?: Uint8Array | readonly Uint8Array[] | string;
  readonly certfile?: string;
  /** Our private key: parsed, PEM text or PKCS#8 DER. */
  readonly key?: PrivateKey | string | Uint8Array;
  readonly keyfile?: string;
  /** Password for an encrypted key. */
  readonly password?: string;
  /** Erlang `depth`: intermediates allowed after the peer certificate (default 10). */
  readonly depth?: number;
  /** Erlang `partial_chain`: trust any listed root met in the chain (true), or pick the anchor per chain. */
  readonly partialChain?: boolean | ((chain: readonly ParsedCertificate[]) => ParsedCertificate | undefined);
  readonly verifyFun?: VerifyFun;
  readonly customizeHostnameCheck?: HostnameMatchFun;
  /** Erlang `crl_check` (RFC 5280 §6.3): true, 'peer' or 'best_effort'. */
  readonly crlCheck?: CrlCheckMode;
  /** Erlang `crl_cache`: where CRLs are found (`CrlCache`, `CrlDirectoryStore`). */
  readonly crlCache?: CrlSource;
  /** Active mode for data delivery (default false: use recv() or the async iterator). */
  readonly active?: ActiveMode;
  /** SSLKEYLOGFILE lines, for Wireshark. */
  readonly keylog?: (line: string) => void;
  /** Keep this connection's SSLKEYLOGFILE lines for `connectionInformation(['keylog'])` (Erlang keep_secrets). */
  readonly keepSecrets?: boolean;
  /** Handshake timeout in ms (Erlang's handshake timeout argument; default 30 s). */
  readonly handshakeTimeoutMs?: number;
  readonly maxHandshakeSize?: number;
  /** Our record_size_limit (RFC 8449). */
  readonly recordSizeLimit?: number;
  /** Unread bytes buffered before reading from the transport pauses (default 1 MiB). */
  readonly highWaterMark?: number;
  /** Erlang `handshake`: 'hello' pauses after the peer's hello; see handshakeContinue / handshakeCancel. */
  readonly handshake?: 'hello' | 'full';
  /** Erlang `protocol`: only 'tls' (DTLS is not implemented). */
  readonly protocol?: 'tls';
  /** Accepted for ported code and ignored: errors are values (`TlsAlert`), there is no logger. */
  readonly logLevel?:
    | 'none'
    | 'all'
    | 'emergency'
    | 'alert'
    | 'critical'
    | 'error'
    | 'warning'
    | 'notice'
    | 'info'
    | 'debug';
  /** Accepted and ignored (Erlang `log_alert`, deprecated there too). */
  readonly logAlert?: boolean;
  /** Accepted and ignored: there is no process to hibernate; an idle socket holds only its buffers. */
  readonly hibernateAfter?: number;
  /** Accepted and ignored: TLS 1.0 only; sslsocket speaks TLS 1.2 and 1.3. */
  readonly paddingCheck?: boolean;
  /** Accepted and ignored: TLS 1.0 only. */
  readonly beastMitigation?: 'one_n_minus_one' | 'zero_n' | 'disabled';
  /** Accepted and ignored (no effect in Erlang either). */
  readonly sslImp?: 'new' | 'old';
  /** Socket option `mode`: only 'binary' (data is always a Uint8Array). */
  readonly mode?: 'binary';
  /** Socket option `packet`: only 0 / 'raw' (framing belongs to the application). */
  readonly packet?: 0 | 'raw';
  /** Socket option `header`: only 0. */
  readonly header?: 0;
  /** @deprecated Not supported: pass a `Transport` to `connect(transport, ...)` / `handshake(transport, ...)`. */
  readonly cbInfo?: never;
}

/** Client options (Erlang client options). */
export interface ClientOptions extends CommonOptions, Tls12ClientOptions {
  /** SNI name and the name the certificate must match; 'disable' sends none (Erlang server_name_indication). */
  readonly serverNameIndication?: string | 'disable';
  readonly alpnAdvertisedProtocols?: readonly string[];
  /** A saved session to resume (Erlang reuse_session). */
  readonly reuseSession?: unknown;
  /** Keep sessions for later connections to the same host and port (Erlang reuse_sessions). */
  readonly reuseSessions?: boolean | 'save';
  readonly middleboxCompMode?: boolean;
  /**
   * TLS 1.3 0-RTT: bytes sent with the ClientHello when resuming a session that allows early data
   * (replayable by an attacker: only for idempotent requests).
   */
  readonly earlyData?: Uint8Array | string;
  /** @deprecated Not supported: SRP suites are not offered. */
  readonly srpIdentity?: never;
  /** @deprecated Not supported: NPN was replaced by ALPN; use `alpnAdvertisedProtocols`. */
  readonly clientPreferredNextProtocols?: never;
}

/** A certificate and key, as `sniHosts` entries and `certsKeys` give them. */
export interface CertKeyOptions {
  readonly cert?: CommonOptions['cert'];
  readonly certfile?: string;
  readonly key?: CommonOptions['key'];
  readonly keyfile?: string;
  readonly password?: string;
}

/** Server options (Erlang server options). */
export interface ServerOptions extends CommonOptions, Tls12ServerOptions {
  readonly alpnPreferredProtocols?: readonly string[];
  readonly failIfNoPeerCert?: boolean;
  readonly sniHosts?: Readonly<Record<string, CertKeyOptions>>;
  readonly sniFun?: (
    serverName: string | undefined,
  ) => CertKeyOptions | undefined | Promise<CertKeyOptions | undefined>;
  readonly honorCipherOrder?: boolean;
  readonly honorEccOrder?: boolean;
  /** 'stateless' sends RFC 8446 tickets sealed with rotating keys (default); 'disabled' sends none. */
  readonly sessionTickets?: 'disabled' | 'stateless';
  /** 32+-byte secrets for ticket sealing, shared by servers that should resume each other's sessions. */
  readonly ticketKeys?: readonly Uint8Array[];
  readonly ticketLifetime?: number;
  /** TLS 1.3 0-RTT: accept early data on resumed connections (default 'disabled'). */
  readonly earlyData?: 'enabled' | 'disabled';
  /** TLS 1.3 0-RTT: the most early data a ticket allows (default 16384 when enabled). */
  readonly maxEarlyDataSize?: number;
  /** @deprecated Not supported: NPN was replaced by ALPN; use `alpnPreferredProtocols`. */
  readonly nextProtocolsAdvertised?: never;
}

/** A rejected option, named. */
export class OptionError extends Error {
  override readonly name = 'OptionError';
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`option ${option}: ${message}`);
  }
}

/**
 * Options (and option forms) the validator knows but the engine configuration does not read yet.
 * They are refused rather than silently ignored, because each changes security (a CRL check that
 * never runs) or the bytes sent. Whoever wires one into engine-config.ts removes it here.
 */
export const AWAITING_WIRING: ReadonlySet<string> = new Set<string>();

/** A check returns why a value is wrong, or undefined when it is fine. */
type Check = (value: unknown) => string | undefined;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const utf8Length = (text: string) => new TextEncoder().encode(text).length;
const describe = (value: unknown) =>
  value instanceof Uint8Array ? 'Uint8Array' : Array.isArray(value) ? 'array' : (JSON.stringify(value) ?? typeof value);

const bool: Check = (v) => (typeof v === 'boolean' ? undefined : `must be true or false, got ${describe(v)}`);
const fn: Check = (v) => (typeof v === 'function' ? undefined : `must be a function, got ${describe(v)}`);
const path: Check = (v) => (typeof v === 'string' && v.length > 0 ? undefined : 'must be a non-empty file path');
const text: Check = (v) => (typeof v === 'string' ? undefined : `must be a string, got ${describe(v)}`);
const bytesOrText: Check = (v) =>
  typeof v === 'string' || v instanceof Uint8Array ? undefined : 'must be a string or a Uint8Array';
const oneOf =
  (...allowed: readonly unknown[]): Check =>
  (v) =>
    allowed.includes(v) ? undefined : `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`;
const integer =
  (min: number, max: number = Number.MAX_SAFE_INTEGER): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
      ? undefined
      : `must be an integer from ${min} to ${max}, got ${describe(v)}`;
const listOf =
  (item: Check, what: string): Check =>
  (v) => {
    if (!Array.isArray(v) || v.length === 0) return `must be a non-empty list of ${what}`;
    for (const entry of v) {
      const problem = item(entry);
      if (problem !== undefined) return problem;
    }
    return undefined;
  };
const refused =
  (why: string): Check =>
  () =>
    `not supported: ${why}`;

/** RFC 7301 §3.1: each ProtocolName is 1 to 255 bytes. */
const alpnList = listOf((p) => {
  const length = typeof p === 'string' ? utf8Length(p) : 0;
  return length >= 1 && length <= 255 ? undefined : `protocol names must be 1 to 255 bytes, got ${describe(p)}`;
}, 'protocol names');

const versionList = listOf(
  (v) => (v === 'tlsv1.3' || v === 'tlsv1.2' ? undefined : `unsupported version ${describe(v)} (TLS 1.2 and 1.3 only)`),
  "versions ('tlsv1.3', 'tlsv1.2')",
);

const groupList = listOf((g) => {
  if (typeof g === 'string' && NAMED_GROUPS.some((group) => group.name === g)) return undefined;
  const alias = typeof g === 'string' ? groupByName(g) : undefined;
  return alias === undefined
    ? `unknown group ${describe(g)} (known: ${NAMED_GROUPS.map((group) => group.name).join(', ')})`
    : `unknown group ${describe(g)} (did you mean ${alias.name}?)`;
}, 'group names');

const schemeName: Check = (s) =>
  typeof s === 'string' && SIGNATURE_SCHEMES.some((scheme) => scheme.name === s)
    ? undefined
    : `unknown signature scheme ${describe(s)}`;

const HASH_IDS: Readonly<Record<string, number>> = { md5: 1, sha: 2, sha224: 3, sha256: 4, sha384: 5, sha512: 6 };
const SIGN_IDS: Readonly<Record<string, number>> = { rsa: 1, dsa: 2, ecdsa: 3 };

function isHashSignPair(value: unknown): value is HashSignPair {
  return (
    Array.isArray(value) &&
    value.length === 2 &&
    HASH_IDS[value[0] as string] !== undefined &&
    SIGN_IDS[value[1] as string] !== undefined
  );
}

const signatureAlgList = listOf((s) => {
  if (!Array.isArray(s)) return schemeName(s);
  if (!isHashSignPair(s)) return `a TLS 1.2 pair is [hash, sign] such as ['sha256', 'rsa'], got ${describe(s)}`;
  return AWAITING_WIRING.has('signatureAlgs:hashSignPairs')
    ? "[hash, sign] pairs are not wired yet: use scheme names such as 'rsa_pkcs1_sha256'"
    : undefined;
}, 'signature schemes');

/**
 * Erlang's TLS 1.2 `[hash, sign]` pairs as the engine's scheme names (or raw code points for pairs
 * without a name, such as DSA): code = hash << 8 | sign (RFC 5246 §7.4.1.4.1).
 *
 * @example
 * signatureAlgsToEngine([['sha256', 'rsa'], 'ed25519']); // ['rsa_pkcs1_sha256', 'ed25519']
 */
export function signatureAlgsToEngine(
  list: readonly (SignatureSchemeName | HashSignPair)[],
): (SignatureSchemeName | number)[] {
  return list.map((entry) => {
    if (typeof entry === 'string') return entry;
    const code = ((HASH_IDS[entry[0]] as number) << 8) | (SIGN_IDS[entry[1]] as number);
    return schemeByCode(code)?.name ?? code;
  });
}

const certValue: Check = (v) =>
  typeof v === 'string' ||
  v instanceof Uint8Array ||
  (Array.isArray(v) && v.length > 0 && v.every((c) => c instanceof Uint8Array))
    ? undefined
    : 'must be PEM text, DER bytes or a non-empty list of DER certificates';
const keyValue: Check = (v) =>
  typeof v === 'string' || v instanceof Uint8Array || (isObject(v) && typeof v.kind === 'string')
    ? undefined
    : 'must be PEM text, PKCS#8 DER or a parsed PrivateKey';

const CERT_KEY_RULES: Readonly<Record<string, Check>> = {
  cert: certValue,
  certfile: path,
  key: keyValue,
  keyfile: path,
  password: text,
};

const COMMON_RULES: Readonly<Record<string, Check>> = {
  ...CERT_KEY_RULES,
  provider: (v) =>
    v === 'noble' || v === 'webcrypto' || v === 'node' || (isObject(v) && typeof v.randomBytes === 'function')
      ? undefined
      : "must be 'noble', 'webcrypto', 'node' or a CryptoProvider",
  versions: versionList,
  ciphers: (v) =>
    (typeof v === 'string' && v.length > 0) ||
    (Array.isArray(v) &&
      v.length > 0 &&
      v.every((s) => typeof s === 'string' || (isObject(s) && typeof s.code === 'number')))
      ? undefined
      : 'must be a cipher string or a non-empty list of suite names or suites',
  eccs: groupList,
  signatureAlgs: signatureAlgList,
  signatureAlgsCert: listOf(schemeName, 'signature schemes'),
  verify: oneOf('verify_none', 'verify_peer'),
  cacerts: listOf(
    (c) => (typeof c === 'string' || c instanceof Uint8Array ? undefined : 'entries must be PEM text or DER bytes'),
    'certificates',
  ),
  cacertfile: path,
  depth: integer(0),
  partialChain: (v) =>
    typeof v === 'boolean' || typeof v === 'function' ? undefined : 'must be a boolean or a function',
  verifyFun: fn,
  customizeHostnameCheck: fn,
  crlCheck: oneOf(true, false, 'peer', 'best_effort'),
  crlCache: (v) =>
    isObject(v) && typeof v.lookup === 'function' ? undefined : 'must be a CrlSource (CrlCache, CrlDirectoryStore)',
  // Erlang {active, N}: N in -32768..32767 (inet:setopts).
  active: (v) =>
    typeof v === 'boolean' || v === 'once' || integer(-32768, 32767)(v) === undefined
      ? undefined
      : "must be true, false, 'once' or an integer from -32768 to 32767",
  keylog: fn,
  keepSecrets: bool,
  // setTimeout clamps larger delays to 1 ms, so anything above 2^31-1 would fire at once.
  handshakeTimeoutMs: integer(1, 2 ** 31 - 1),
  // A handshake message length is a uint24 (RFC 8446 §4).
  maxHandshakeSize: integer(1, 2 ** 24 - 1),
  // RFC 8449 §4: at least 64; at most 2^14 + 1 (TLS 1.3 counts the content type byte).
  recordSizeLimit: integer(64, 16385),
  highWaterMark: integer(1),
  handshake: oneOf('hello', 'full'),
  secureRenegotiate: bool,
  requireExtendedMasterSecret: bool,
  encryptThenMac: bool,
  userLookupFun: fn,
  protocol: (v) => (v === 'tls' ? undefined : "only 'tls': DTLS is not implemented"),
  logLevel: oneOf('none', 'all', 'emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'),
  logAlert: bool,
  hibernateAfter: integer(0),
  paddingCheck: bool,
  beastMitigation: oneOf('one_n_minus_one', 'zero_n', 'disabled'),
  sslImp: oneOf('new', 'old'),
  mode: (v) => (v === 'binary' ? undefined : "only 'binary': data is always a Uint8Array"),
  packet: (v) => (v === 0 || v === 'raw' ? undefined : 'only 0 or raw: framing belongs to the application'),
  header: (v) => (v === 0 ? undefined : 'only 0: data is always a Uint8Array'),
  cbInfo: refused('pass a Transport instead: connect(transport, options), handshake(transport, options)'),
};

/** RFC 4279 §5.3 psk_identity: opaque <0..2^16-1>. */
const pskIdentity =
  (min: number): Check =>
  (v) => {
    const length = typeof v === 'string' ? utf8Length(v) : v instanceof Uint8Array ? v.length : -1;
    return length >= min && length <= 65535 ? undefined : `must be a string or bytes of ${min} to 65535 bytes`;
  };

const CLIENT_RULES: Readonly<Record<string, Check>> = {
  ...COMMON_RULES,
  // RFC 6066 §3: a DNS host name; 'disable' sends none.
  serverNameIndication: (v) =>
    typeof v === 'string' && v.length > 0 && utf8Length(v) <= 255
      ? undefined
      : "must be a host name (1 to 255 bytes) or 'disable'",
  alpnAdvertisedProtocols: alpnList,
  reuseSession: (v) => (isObject(v) ? undefined : 'must be a saved session (socket.savedSessions)'),
  reuseSessions: oneOf(true, false, 'save'),
  middleboxCompMode: bool,
  pskIdentity: pskIdentity(1),
  fallback: bool,
  maxFragmentLength: oneOf(512, 1024, 2048, 4096),
  earlyData: (v) => (typeof v === 'string' || v instanceof Uint8Array ? undefined : 'must be bytes or a string'),
  srpIdentity: refused('SRP suites are not offered'),
  clientPreferredNextProtocols: refused('NPN was replaced by ALPN: use alpnAdvertisedProtocols'),
};

const SERVER_RULES: Readonly<Record<string, Check>> = {
  ...COMMON_RULES,
  alpnPreferredProtocols: alpnList,
  failIfNoPeerCert: bool,
  sniHosts: (v) => (isObject(v) ? undefined : 'must be an object of host name -> { cert, key, ... }'),
  sniFun: fn,
  honorCipherOrder: bool,
  honorEccOrder: bool,
  sessionTickets: oneOf('disabled', 'stateless'),
  ticketKeys: listOf(
    (k) =>
      k instanceof Uint8Array && k.length >= 32 ? undefined : 'each key must be a Uint8Array of 32 bytes or more',
    'keys',
  ),
  // RFC 8446 §4.6.1: ticket_lifetime at most 604800 s (7 days).
  ticketLifetime: integer(0, 604800),
  clientRenegotiation: bool,
  dh: bytesOrText,
  dhfile: path,
  // The identity hint may be empty (RFC 4279 §2).
  pskIdentity: pskIdentity(0),
  reuseSessions: bool,
  reuseSession: fn,
  sessionLifetime: integer(0),
  sessionCacheServerMax: integer(0),
  earlyData: oneOf('enabled', 'disabled'),
  maxEarlyDataSize: integer(0, 2 ** 32 - 1),
  nextProtocolsAdvertised: refused('NPN was replaced by ALPN: use alpnPreferredProtocols'),
};

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** Why an option name is not one of `rules`: Erlang spelling, the other side's option, or the nearest name. */
function unknownReason(key: string, rules: Readonly<Record<string, Check>>, side: string): string {
  const known = Object.keys(rules);
  const camel = key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  if (camel !== key && known.includes(camel)) return `unknown ${side} option (options are camelCased: use ${camel})`;
  const other = side === 'client' ? SERVER_RULES : CLIENT_RULES;
  if (Object.hasOwn(other, key)) return `is a ${side === 'client' ? 'server' : 'client'} option, not a ${side} one`;
  const distance = (name: string) => editDistance(key.toLowerCase(), name.toLowerCase());
  const suggestion = [...known].sort((a, b) => distance(a) - distance(b))[0];
  return `unknown ${side} option${suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`}`;
}

/** Each present option: known on this side, of the right shape, and wired. `undefined` counts as absent. */
function checkEach(options: object, rules: Readonly<Record<string, Check>>, side: string, prefix = ''): void {
  for (const [key, value] of Object.entries(options)) {
    if (!Object.hasOwn(rules, key)) throw new OptionError(prefix + key, unknownReason(key, rules, side));
    if (value === undefined) continue;
    const problem = (rules[key] as Check)(value);
    if (problem !== undefined) throw new OptionError(prefix + key, problem);
    if (AWAITING_WIRING.has(key) && value !== false)
      throw new OptionError(prefix + key, 'not available yet: the engine configuration does not read it');
  }
}

function hasCert(options: CertKeyOptions): boolean {
  return options.cert !== undefined || options.certfile !== undefined;
}

function checkCertKeyPair(options: CertKeyOptions, prefix: string): void {
  if (hasCert(options) !== (options.key !== undefined || options.keyfile !== undefined)) {
    throw new OptionError(prefix + (hasCert(options) ? 'key' : 'cert'), 'cert and key go together');
  }
}

function checkObject(options: unknown): asserts options is object {
  if (!isObject(options)) throw new OptionError('options', 'must be an object');
}

function hasRoots(options: CommonOptions): boolean {
  return options.cacerts !== undefined || options.cacertfile !== undefined || options.verifyFun !== undefined;
}

/**
 * Checks client options up front, so a typo or a wrong type fails at connect() with the option's
 * name, before any byte is sent.
 *
 * @example
 * validateClientOptions({ verify: 'verify_peer', cacertfile: 'roots.pem' });
 * validateClientOptions({ server_name_indication: 'a' } as never); // OptionError: use serverNameIndication
 */
export function validateClientOptions(options: ClientOptions): ClientOptions {
  checkObject(options);
  checkEach(options, CLIENT_RULES, 'client');
  checkCertKeyPair(options, '');
  if ((options.verify ?? 'verify_peer') === 'verify_peer' && !hasRoots(options)) {
    throw new OptionError(
      'verify',
      "verify_peer needs cacerts, cacertfile or verifyFun (or set verify: 'verify_none')",
    );
  }
  // Erlang psk_identity: "the matching secret is found by calling user_lookup_fun".
  if (options.pskIdentity !== undefined && options.userLookupFun === undefined)
    throw new OptionError('pskIdentity', 'needs userLookupFun to find the pre-shared key');
  return options;
}

/**
 * Checks server options up front (listen() and handshake() call it).
 *
 * @example
 * validateServerOptions({ certfile: 'cert.pem', keyfile: 'key.pem', alpnPreferredProtocols: ['h2'] });
 */
export function validateServerOptions(options: ServerOptions): ServerOptions {
  checkObject(options);
  checkEach(options, SERVER_RULES, 'server');
  checkCertKeyPair(options, '');
  for (const [host, entry] of Object.entries(options.sniHosts ?? {})) {
    const prefix = `sniHosts.${host}.`;
    if (!isObject(entry)) throw new OptionError(`sniHosts.${host}`, 'must be an object { cert, key, ... }');
    checkEach(entry, CERT_KEY_RULES, 'sniHosts entry', prefix);
    if (!hasCert(entry)) throw new OptionError(`${prefix}cert`, 'each host needs cert or certfile');
    checkCertKeyPair(entry, prefix);
  }
  // Erlang: "The option sni_fun, and sni_hosts are mutually exclusive."
  if (options.sniHosts !== undefined && options.sniFun !== undefined)
    throw new OptionError('sniFun', 'sniHosts and sniFun are exclusive');
  if (options.failIfNoPeerCert === true && options.verify !== 'verify_peer') {
    throw new OptionError('failIfNoPeerCert', "needs verify: 'verify_peer'");
  }
  if (options.verify === 'verify_peer' && !hasRoots(options)) {
    throw new OptionError('verify', 'verify_peer needs cacerts, cacertfile or verifyFun');
  }
  // Erlang reuse_session is "meaningful only if reuse_sessions is set to true".
  if (options.reuseSession !== undefined && options.reuseSessions === false)
    throw new OptionError('reuseSession', 'a reuse policy needs reuseSessions (it is false)');
  if (options.sessionTickets === 'disabled' && options.ticketKeys !== undefined)
    throw new OptionError('ticketKeys', "given with sessionTickets: 'disabled'");
  return options;
}
