import type { HostnameMatchFun, VerifyFun } from '@sslsocket/pkix';
import type { CipherSuite, CryptoProvider, GroupName, PrivateKey, SignatureSchemeName } from '@sslsocket/suites';
import type { Tls12ClientOptions, Tls12ServerOptions } from './tls12-options.js';

/** Erlang's active modes: deliver data as events (`true`), once, N times, or only through recv (`false`). */
export type ActiveMode = boolean | 'once' | number;

/** Options shared by clients and servers (Erlang common options, camelCased). */
export interface CommonOptions {
  /** Crypto implementation (default 'node' where node:crypto exists, else 'noble'). */
  readonly provider?: 'noble' | 'webcrypto' | 'node' | CryptoProvider;
  readonly versions?: readonly ('tlsv1.2' | 'tlsv1.3')[];
  /** Suites: an OpenSSL cipher string, or a list of names or suite objects (Erlang `ciphers`). */
  readonly ciphers?: string | readonly (string | CipherSuite)[];
  /** Key-exchange groups in preference order (Erlang `eccs` / `supported_groups`). */
  readonly eccs?: readonly GroupName[];
  readonly signatureAlgs?: readonly SignatureSchemeName[];
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
  readonly partialChain?: boolean;
  readonly verifyFun?: VerifyFun;
  readonly customizeHostnameCheck?: HostnameMatchFun;
  /** Active mode for data delivery (default false: use recv() or the async iterator). */
  readonly active?: ActiveMode;
  /** SSLKEYLOGFILE lines, for Wireshark. */
  readonly keylog?: (line: string) => void;
  /** Handshake timeout in ms (Erlang's handshake timeout argument; default 30 s). */
  readonly handshakeTimeoutMs?: number;
  readonly maxHandshakeSize?: number;
  /** Our record_size_limit (RFC 8449). */
  readonly recordSizeLimit?: number;
  /** Unread bytes buffered before reading from the transport pauses (default 1 MiB). */
  readonly highWaterMark?: number;
  /** Erlang `handshake`: 'hello' pauses after the peer's hello; see handshakeContinue / handshakeCancel. */
  readonly handshake?: 'hello' | 'full';
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

const COMMON_KEYS = [
  'provider',
  'versions',
  'ciphers',
  'eccs',
  'signatureAlgs',
  'signatureAlgsCert',
  'verify',
  'cacerts',
  'cacertfile',
  'cert',
  'certfile',
  'key',
  'keyfile',
  'password',
  'depth',
  'partialChain',
  'verifyFun',
  'customizeHostnameCheck',
  'active',
  'keylog',
  'handshakeTimeoutMs',
  'maxHandshakeSize',
  'recordSizeLimit',
  'highWaterMark',
  'handshake',
  'secureRenegotiate',
  'requireExtendedMasterSecret',
  'encryptThenMac',
  'userLookupFun',
];
const CLIENT_KEYS = new Set([
  ...COMMON_KEYS,
  'serverNameIndication',
  'alpnAdvertisedProtocols',
  'reuseSession',
  'reuseSessions',
  'middleboxCompMode',
  'pskIdentity',
  'fallback',
  'maxFragmentLength',
]);
const SERVER_KEYS = new Set([
  ...COMMON_KEYS,
  'alpnPreferredProtocols',
  'failIfNoPeerCert',
  'sniHosts',
  'sniFun',
  'honorCipherOrder',
  'honorEccOrder',
  'sessionTickets',
  'ticketKeys',
  'ticketLifetime',
  'clientRenegotiation',
  'dh',
  'dhfile',
  'pskIdentity',
  'reuseSessions',
  'reuseSession',
  'sessionLifetime',
  'sessionCacheServerMax',
]);

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

function checkKnown(options: object, known: Set<string>, side: string): void {
  for (const key of Object.keys(options)) {
    if (known.has(key)) continue;
    const suggestion = [...known].sort(
      (a, b) => editDistance(key.toLowerCase(), a.toLowerCase()) - editDistance(key.toLowerCase(), b.toLowerCase()),
    )[0];
    throw new OptionError(
      key,
      `unknown ${side} option${suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`}`,
    );
  }
}

function checkAlpn(name: string, list: unknown): void {
  if (list === undefined) return;
  if (!Array.isArray(list) || list.length === 0)
    throw new OptionError(name, 'must be a non-empty list of protocol names');
  for (const protocol of list) {
    const length = typeof protocol === 'string' ? new TextEncoder().encode(protocol).length : 0;
    if (length === 0 || length > 255)
      throw new OptionError(name, `protocol names must be 1 to 255 bytes, got ${JSON.stringify(protocol)}`);
  }
}

function checkCommon(options: CommonOptions): void {
  if (options.verify !== undefined && options.verify !== 'verify_none' && options.verify !== 'verify_peer') {
    throw new OptionError('verify', "must be 'verify_none' or 'verify_peer'");
  }
  if (options.versions !== undefined) {
    if (!Array.isArray(options.versions) || options.versions.length === 0)
      throw new OptionError('versions', 'must be a non-empty list');
    for (const version of options.versions) {
      if (version !== 'tlsv1.3' && version !== 'tlsv1.2')
        throw new OptionError('versions', `unsupported version ${String(version)} (TLS 1.2 and 1.3 only)`);
    }
  }
  const active = options.active;
  if (
    active !== undefined &&
    typeof active !== 'boolean' &&
    active !== 'once' &&
    !(Number.isInteger(active) && (active as number) >= -32768 && (active as number) <= 32767)
  ) {
    throw new OptionError('active', "must be true, false, 'once' or an integer");
  }
  for (const numeric of [
    'depth',
    'handshakeTimeoutMs',
    'maxHandshakeSize',
    'recordSizeLimit',
    'highWaterMark',
  ] as const) {
    const value = options[numeric];
    if (value !== undefined && (typeof value !== 'number' || !(value >= 0)))
      throw new OptionError(numeric, 'must be a non-negative number');
  }
  if (options.recordSizeLimit !== undefined && (options.recordSizeLimit < 64 || options.recordSizeLimit > 16385)) {
    throw new OptionError('recordSizeLimit', 'must be between 64 and 16385 (RFC 8449)');
  }
  if (
    (options.cert !== undefined || options.certfile !== undefined) !==
    (options.key !== undefined || options.keyfile !== undefined)
  ) {
    throw new OptionError(
      options.cert !== undefined || options.certfile !== undefined ? 'key' : 'cert',
      'cert and key go together',
    );
  }
}

/**
 * Checks client options up front, so a typo fails at connect() with the option's name.
 *
 * @example
 * validateClientOptions({ verify: 'verify_peer', cacertfile: 'roots.pem' });
 */
export function validateClientOptions(options: ClientOptions): ClientOptions {
  if (typeof options !== 'object' || options === null) throw new OptionError('options', 'must be an object');
  checkKnown(options, CLIENT_KEYS, 'client');
  checkCommon(options);
  checkAlpn('alpnAdvertisedProtocols', options.alpnAdvertisedProtocols);
  const verify = options.verify ?? 'verify_peer';
  if (
    verify === 'verify_peer' &&
    options.cacerts === undefined &&
    options.cacertfile === undefined &&
    options.verifyFun === undefined
  ) {
    throw new OptionError(
      'verify',
      "verify_peer needs cacerts, cacertfile or verifyFun (or set verify: 'verify_none')",
    );
  }
  return options;
}

/** Checks server options up front. */
export function validateServerOptions(options: ServerOptions): ServerOptions {
  if (typeof options !== 'object' || options === null) throw new OptionError('options', 'must be an object');
  checkKnown(options, SERVER_KEYS, 'server');
  checkCommon(options);
  checkAlpn('alpnPreferredProtocols', options.alpnPreferredProtocols);
  if (options.sniHosts !== undefined && options.sniFun !== undefined)
    throw new OptionError('sniFun', 'sniHosts and sniFun are exclusive');
  if (options.failIfNoPeerCert === true && options.verify !== 'verify_peer') {
    throw new OptionError('failIfNoPeerCert', "needs verify: 'verify_peer'");
  }
  if (
    options.verify === 'verify_peer' &&
    options.cacerts === undefined &&
    options.cacertfile === undefined &&
    options.verifyFun === undefined
  ) {
    throw new OptionError('verify', 'verify_peer needs cacerts, cacertfile or verifyFun');
  }
  return options;
}
