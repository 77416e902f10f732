import { parsePkcs12 } from '@sslsocket/pkix';
import type { GroupName, PrivateKey, SignatureSchemeName } from '@sslsocket/suites';
import type { CertKeyOptions, ClientOptions, ServerOptions } from 'sslsocket';

/** PEM text or DER bytes, as node:tls takes them. */
export type PemOrDer = string | Uint8Array;

/**
 * node:tls `createSecureContext()` options the facade understands (node's names and meanings).
 * `pfx` is PKCS#12; `ciphers` an OpenSSL cipher string; `ecdhCurve` and `sigalgs` colon lists with
 * OpenSSL's spellings (`X25519:P-256`, `ECDSA+SHA256:rsa_pss_rsae_sha256`).
 */
export interface SecureContextOptions {
  /**
   * Trusted CAs (node:tls `ca`): PEM text (one string may hold several certificates), a Buffer of
   * PEM text, DER bytes, or a list of these. Maps to sslsocket's `cacerts` (Erlang `cacerts`).
   * Default: on a client, node's bundled Mozilla roots (`defaultRoots()`); on a server, none, which
   * with `requestCert` and `rejectUnauthorized` is a NodeOptionError naming `ca`.
   */
  readonly ca?: PemOrDer | readonly PemOrDer[];
  /**
   * Our certificate chain (node:tls `cert`), leaf first: PEM text (several concatenated) or DER
   * bytes, or a list of these. Maps to sslsocket's `cert` (Erlang `cert`). Ignored when `pfx` is
   * given. Throws NodeOptionError naming `cert` when a list mixes PEM and DER entries.
   */
  readonly cert?: PemOrDer | readonly PemOrDer[];
  /**
   * Our private key (node:tls `key`): PEM (PKCS#8, PKCS#1, SEC 1; encrypted PEM with `passphrase`)
   * or DER, or a list of keys or `{ pem, passphrase }` objects; only the first entry is used (one
   * certificate per context). Maps to sslsocket's `key` (and `password`, Erlang `password`).
   * Ignored when `pfx` is given. A key that cannot be read is an OptionError when it first loads.
   */
  readonly key?: PemOrDer | readonly (PemOrDer | { pem: PemOrDer; passphrase?: string })[];
  /**
   * node:tls `passphrase`: the password of an encrypted `key` or of `pfx`, when the entry itself
   * names none. Maps to sslsocket's `password` (Erlang `password`). Default: none (`''` for `pfx`).
   */
  readonly passphrase?: string;
  /**
   * node:tls `pfx`: a PKCS#12 file (RFC 7292) holding our key and certificate chain, as DER bytes
   * or a list of bytes or `{ buf, passphrase }` objects; only the first entry is used. Replaces
   * `cert` and `key` (it becomes sslsocket's `cert` and `key`). Throws NodeOptionError naming
   * `pfx` when it cannot be read (bad structure, wrong password, no key).
   */
  readonly pfx?: PemOrDer | readonly (PemOrDer | { buf: PemOrDer; passphrase?: string })[];
  /**
   * node:tls `ciphers`: an OpenSSL cipher string (`ECDHE-ECDSA-AES128-GCM-SHA256:!aNULL`) that
   * selects the TLS 1.2 suites and keeps the TLS 1.3 defaults, as OpenSSL does; a colon list made
   * only of `TLS_...` names sets the list exactly. Passed on as sslsocket's `ciphers` (Erlang
   * `ciphers`). Default: sslsocket's suites. An unknown name is an OptionError naming `ciphers`
   * (the socket's or the server's `error` event).
   */
  readonly ciphers?: string;
  /**
   * node:tls `ecdhCurve`: key-exchange groups in preference order as a colon list with OpenSSL's
   * spellings, case-insensitive (`X25519:P-256`, `prime256v1`, `ffdhe2048`, `X25519MLKEM768`), or
   * `'auto'`. Maps to sslsocket's `eccs` (Erlang `eccs`, RFC 8446 §4.2.7 supported_groups).
   * Default and `'auto'`: sslsocket's groups. Throws NodeOptionError naming `ecdhCurve` for a
   * curve it does not know.
   */
  readonly ecdhCurve?: string;
  /**
   * node:tls `sigalgs`: signature schemes in preference order as a colon list, in OpenSSL's
   * `SIG+HASH` form (`ECDSA+SHA256`, `RSA-PSS+SHA256`) or RFC 8446 §4.2.3 names
   * (`rsa_pss_rsae_sha256`). Maps to sslsocket's `signatureAlgs` (Erlang `signature_algs`).
   * Default: sslsocket's schemes. An unknown name is an OptionError naming `signatureAlgs` (an
   * `error` event, as for `ciphers`).
   */
  readonly sigalgs?: string;
  /**
   * node:tls `minVersion`: the lowest protocol version allowed. Default `'TLSv1.2'`. With
   * `maxVersion` it becomes sslsocket's `versions` (Erlang `versions`); only TLS 1.2 and 1.3 are
   * spoken (RFC 8996 retired 1.0 and 1.1), so `'TLSv1'` / `'TLSv1.1'` just mean "from 1.2".
   * Throws NodeOptionError for another value, or naming `maxVersion` when no version is left.
   */
  readonly minVersion?: TlsVersionName;
  /**
   * node:tls `maxVersion`: the highest protocol version allowed. Default `'TLSv1.3'`. Maps with
   * `minVersion` to sslsocket's `versions`. Throws NodeOptionError for a value outside
   * {@link TlsVersionName}, or when it leaves no version sslsocket speaks (`'TLSv1.1'`, `'TLSv1'`).
   */
  readonly maxVersion?: TlsVersionName;
  /**
   * node:tls `honorCipherOrder` (server only; a client ignores it): true picks the suite by our
   * `ciphers` order, false by the client's. Maps to sslsocket's `honorCipherOrder` (Erlang
   * `honor_cipher_order`). Default when unset: sslsocket's, our order (node's default is false).
   */
  readonly honorCipherOrder?: boolean;
  /**
   * node:tls `sessionTimeout` (server only): seconds a session (TLS 1.3 / RFC 5077 ticket or TLS 1.2
   * session id) stays resumable. Maps to sslsocket's `ticketLifetime` and `sessionLifetime`
   * (Erlang `lifetime`); default sslsocket's 7200 (node's is 300). sslsocket refuses values above
   * 604800 (7 days, RFC 8446 §4.6.1) with an OptionError.
   */
  readonly sessionTimeout?: number;
  /**
   * node:tls `ticketKeys` (server only): the ticket-sealing secret, 48 bytes as node takes them
   * (sslsocket needs at least 32 and uses all given as one key). Maps to sslsocket's `ticketKeys:
   * [ticketKeys]`. Default: a random key per server, so tickets do not survive a restart. A key
   * shorter than 32 bytes is an OptionError naming `ticketKeys`.
   */
  readonly ticketKeys?: Uint8Array;
  /**
   * node:tls `secureOptions`: OpenSSL `SSL_OP_*` flags ORed together. Only SSL_OP_NO_TICKET
   * (0x4000) acts (server only): tickets off, sessions resume by id (sslsocket's
   * `sessionTickets: 'disabled'`); the other flags are accepted and ignored. Default 0.
   */
  readonly secureOptions?: number;
  /**
   * node:tls `secureProtocol` (legacy OpenSSL method name such as `'TLS_method'`): accepted for
   * ported code and ignored; use `minVersion` / `maxVersion`.
   */
  readonly secureProtocol?: string;
  /**
   * node:tls `sessionIdContext` (server): accepted for ported code and ignored; sslsocket keys its
   * session cache itself.
   */
  readonly sessionIdContext?: string;
}

/** node:tls protocol version names (`minVersion` / `maxVersion`). */
export type TlsVersionName = 'TLSv1.3' | 'TLSv1.2' | 'TLSv1.1' | 'TLSv1';

/** An error in a node-style option, named after the node option. */
export class NodeOptionError extends TypeError {
  override readonly name = 'NodeOptionError';
  readonly code = 'ERR_INVALID_ARG_VALUE';
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`The option "${option}" ${message}`);
  }
}

const decoder = new TextDecoder();

/** Node accepts PEM as a string or a Buffer holding PEM text; anything else is DER. */
export function pemOrDer(value: PemOrDer): string | Uint8Array {
  if (typeof value === 'string') return value;
  const head = decoder.decode(value.subarray(0, 64));
  return head.trimStart().startsWith('-----BEGIN') ? decoder.decode(value) : value;
}

function list<T>(value: T | readonly T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...(value as readonly T[])] : [value as T];
}

/** Our certificate: PEM text (several concatenated) or a list of DER certificates, leaf first. */
function certOption(value: SecureContextOptions['cert']): CertKeyOptions['cert'] {
  const entries = list(value).map(pemOrDer);
  if (entries.length === 0) return undefined;
  if (entries.every((e) => typeof e === 'string')) return entries.join('\n');
  if (entries.every((e) => typeof e !== 'string')) return entries as Uint8Array[];
  throw new NodeOptionError('cert', 'mixes PEM and DER entries');
}

function keyOption(options: SecureContextOptions): { key?: string | Uint8Array; password?: string } {
  const first = list(options.key)[0];
  if (first === undefined) return {};
  const entry = typeof first === 'object' && !(first instanceof Uint8Array) ? first : { pem: first };
  const passphrase = ('passphrase' in entry ? entry.passphrase : undefined) ?? options.passphrase;
  return { key: pemOrDer(entry.pem), ...(passphrase === undefined ? {} : { password: passphrase }) };
}

/** node's `pfx` (PKCS#12, RFC 7292): the first entry's key and certificates, its password or `passphrase`. */
function pfxOption(options: SecureContextOptions): { cert: Uint8Array[]; key: PrivateKey } | undefined {
  const first = list(options.pfx)[0];
  if (first === undefined) return undefined;
  const entry = typeof first === 'object' && !(first instanceof Uint8Array) ? first : { buf: first };
  const passphrase = ('passphrase' in entry ? entry.passphrase : undefined) ?? options.passphrase;
  const bytes = typeof entry.buf === 'string' ? new TextEncoder().encode(entry.buf) : entry.buf;
  try {
    const { privateKey, certificates } = parsePkcs12(bytes, passphrase ?? '');
    return { cert: [...certificates], key: privateKey };
  } catch (cause) {
    throw new NodeOptionError('pfx', `cannot be read: ${(cause as Error).message}`);
  }
}

/** OpenSSL / node group spellings to the registry's names (RFC 8446 §4.2.7, RFC 8422 §5.1.1). */
const CURVE_NAMES: Readonly<Record<string, GroupName>> = {
  x25519: 'x25519',
  x448: 'x448',
  'p-256': 'secp256r1',
  prime256v1: 'secp256r1',
  secp256r1: 'secp256r1',
  'p-384': 'secp384r1',
  secp384r1: 'secp384r1',
  'p-521': 'secp521r1',
  secp521r1: 'secp521r1',
  ffdhe2048: 'ffdhe2048',
  ffdhe3072: 'ffdhe3072',
  ffdhe4096: 'ffdhe4096',
  ffdhe6144: 'ffdhe6144',
  ffdhe8192: 'ffdhe8192',
  // The ML-KEM groups as OpenSSL 3.5 (Node 24) spells them (RFC 10024, draft-ietf-tls-mlkem).
  x25519mlkem768: 'X25519MLKEM768',
  secp256r1mlkem768: 'SecP256r1MLKEM768',
  secp384r1mlkem1024: 'SecP384r1MLKEM1024',
  mlkem512: 'MLKEM512',
  mlkem768: 'MLKEM768',
  mlkem1024: 'MLKEM1024',
};

function curves(value: string | undefined): GroupName[] | undefined {
  if (value === undefined || value.toLowerCase() === 'auto') return undefined;
  return value.split(':').map((name) => {
    const group = CURVE_NAMES[name.trim().toLowerCase()];
    if (group === undefined) throw new NodeOptionError('ecdhCurve', `names an unsupported curve: ${name}`);
    return group;
  });
}

/** OpenSSL's `SIG+HASH` spellings for the RFC 8446 §4.2.3 scheme names. */
const SIGALG_ALIASES: Readonly<Record<string, SignatureSchemeName>> = {
  'ecdsa+sha256': 'ecdsa_secp256r1_sha256',
  'ecdsa+sha384': 'ecdsa_secp384r1_sha384',
  'ecdsa+sha512': 'ecdsa_secp521r1_sha512',
  'rsa-pss+sha256': 'rsa_pss_rsae_sha256',
  'rsa-pss+sha384': 'rsa_pss_rsae_sha384',
  'rsa-pss+sha512': 'rsa_pss_rsae_sha512',
  'rsa+sha256': 'rsa_pkcs1_sha256',
  'rsa+sha384': 'rsa_pkcs1_sha384',
  'rsa+sha512': 'rsa_pkcs1_sha512',
  'rsa+sha1': 'rsa_pkcs1_sha1',
  'ecdsa+sha1': 'ecdsa_sha1',
};

function sigalgs(value: string | undefined): SignatureSchemeName[] | undefined {
  if (value === undefined) return undefined;
  return value.split(':').map((name) => {
    const lower = name.trim().toLowerCase();
    return SIGALG_ALIASES[lower] ?? (lower as SignatureSchemeName);
  });
}

/** OpenSSL's SSL_OP_NO_TICKET (node: crypto.constants.SSL_OP_NO_TICKET). */
const SSL_OP_NO_TICKET = 0x4000;

const VERSION_ORDER: readonly TlsVersionName[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** minVersion / maxVersion as sslsocket's version list (TLS 1.2 and 1.3 only; RFC 8996 retired 1.0/1.1). */
function versions(options: SecureContextOptions): ('tlsv1.3' | 'tlsv1.2')[] | undefined {
  if (options.minVersion === undefined && options.maxVersion === undefined) return undefined;
  for (const option of ['minVersion', 'maxVersion'] as const) {
    const value = options[option];
    if (value !== undefined && !VERSION_ORDER.includes(value))
      throw new NodeOptionError(option, `must be one of ${VERSION_ORDER.join(', ')}, got ${String(value)}`);
  }
  const min = VERSION_ORDER.indexOf(options.minVersion ?? 'TLSv1.2');
  const max = VERSION_ORDER.indexOf(options.maxVersion ?? 'TLSv1.3');
  const out: ('tlsv1.3' | 'tlsv1.2')[] = [];
  if (max >= 3 && min <= 3) out.push('tlsv1.3');
  if (max >= 2 && min <= 2) out.push('tlsv1.2');
  if (out.length === 0)
    throw new NodeOptionError('maxVersion', 'leaves no version sslsocket speaks (TLS 1.2 and 1.3; RFC 8996)');
  return out;
}

/** The options both sides share, in sslsocket's names. */
export function contextOptions(options: SecureContextOptions): Record<string, unknown> {
  const pfx = pfxOption(options);
  const cert = pfx?.cert ?? certOption(options.cert);
  const groups = curves(options.ecdhCurve);
  const schemes = sigalgs(options.sigalgs);
  const versionList = versions(options);
  const ca = list(options.ca).map(pemOrDer);
  return {
    ...(cert === undefined ? {} : { cert }),
    ...(pfx === undefined ? keyOption(options) : { key: pfx.key }),
    ...(ca.length === 0 ? {} : { cacerts: ca }),
    ...(options.ciphers === undefined ? {} : { ciphers: options.ciphers }),
    ...(groups === undefined ? {} : { eccs: groups }),
    ...(schemes === undefined ? {} : { signatureAlgs: schemes }),
    ...(versionList === undefined ? {} : { versions: versionList }),
  };
}

/** ALPN lists as node takes them: strings, Buffers, or one Buffer in wire format (RFC 7301 §3.1). */
export function alpnList(value: unknown, option: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Uint8Array) {
    const out: string[] = [];
    for (let i = 0; i < value.length; ) {
      const length = value[i] as number;
      if (length === 0 || i + 1 + length > value.length)
        throw new NodeOptionError(option, 'is not a valid ALPN wire-format list');
      out.push(decoder.decode(value.subarray(i + 1, i + 1 + length)));
      i += 1 + length;
    }
    return out;
  }
  if (Array.isArray(value)) return value.map((p) => (typeof p === 'string' ? p : decoder.decode(p as Uint8Array)));
  throw new NodeOptionError(option, 'must be an array of strings or Buffers, or a wire-format Buffer');
}

/** Node's server options (tls.createServer), on top of the secure context. */
export interface TlsServerOptions extends SecureContextOptions {
  /**
   * node:tls `requestCert`: ask clients for a certificate (CertificateRequest, RFC 8446 §4.3.2).
   * Default false (sslsocket's `verify: 'verify_none'`). With `rejectUnauthorized` (default) it is
   * `verify: 'verify_peer'` and `failIfNoPeerCert: true` (Erlang `verify`, `fail_if_no_peer_cert`)
   * and needs `ca`, else NodeOptionError naming `ca`.
   */
  readonly requestCert?: boolean;
  /**
   * node:tls `rejectUnauthorized` (with `requestCert`): true (default) refuses a client whose
   * certificate is missing or does not verify against `ca`; false accepts any client and reports
   * the verdict in the socket's `authorized` / `authorizationError`. Without `requestCert` it has
   * no effect.
   */
  readonly rejectUnauthorized?: boolean;
  /**
   * node:tls `ALPNProtocols`: the protocols we accept, in our preference order (RFC 7301): strings,
   * Buffers, or one Buffer in wire format (length-prefixed names). Maps to sslsocket's
   * `alpnPreferredProtocols` (Erlang `alpn_preferred_protocols`). Default: no ALPN. Throws
   * NodeOptionError naming `ALPNProtocols` for another shape or a malformed wire-format Buffer.
   */
  readonly ALPNProtocols?: readonly (string | Uint8Array)[] | Uint8Array;
  /**
   * node:tls `SNICallback(servername, callback)`: called with the client's SNI name (`''` when it
   * sent none); answer `callback(null, secureContext)` with a context from
   * {@link createSecureContext} to use its `cert` / `key`, or `callback(null)` for the server's own.
   * Maps to sslsocket's `sniFun` (Erlang `sni_fun`). An error passed to the callback fails that
   * handshake (`tlsClientError`).
   */
  readonly SNICallback?: (servername: string, callback: (error: Error | null, context?: unknown) => void) => void;
  /**
   * node:tls `handshakeTimeout`: milliseconds a handshake may take before the connection is
   * dropped and reported through `tlsClientError` (default 120000, node's). Maps to sslsocket's
   * `handshakeTimeoutMs` (Erlang `handshake` timeout).
   */
  readonly handshakeTimeout?: number;
  /**
   * net.Server `allowHalfOpen`: accepted for node's option type; the facade's server TLSSockets
   * end their own side when the client ends (as with node's default, false).
   */
  readonly allowHalfOpen?: boolean;
  /**
   * net.Server `pauseOnConnect`: accepted TCP sockets start paused (default false); passed to the
   * underlying `net.Server`.
   */
  readonly pauseOnConnect?: boolean;
  /**
   * Extra sslsocket server options for what node has no name for (`ocspResponse`, `earlyData`,
   * `sessionTickets`, ...); they override what the node options above map to.
   */
  readonly sslsocket?: ServerOptions;
}

/** The sslsocket server options for node's. */
export function serverOptions(options: TlsServerOptions): ServerOptions {
  const requestCert = options.requestCert === true;
  const strict = requestCert && options.rejectUnauthorized !== false;
  const alpn = alpnList(options.ALPNProtocols, 'ALPNProtocols');
  const base = contextOptions(options);
  if (requestCert && base.cacerts === undefined && strict) {
    throw new NodeOptionError('ca', 'is needed with requestCert and rejectUnauthorized (the client CAs)');
  }
  return {
    ...base,
    ...(requestCert
      ? strict
        ? { verify: 'verify_peer' as const, failIfNoPeerCert: true }
        : // Ask for a certificate but accept any: `authorized` tells the application the verdict.
          { verify: 'verify_peer' as const, failIfNoPeerCert: false, verifyFun: () => 'valid' as const }
      : { verify: 'verify_none' as const }),
    ...(alpn === undefined ? {} : { alpnPreferredProtocols: alpn }),
    ...(options.honorCipherOrder === undefined ? {} : { honorCipherOrder: options.honorCipherOrder }),
    ...(options.sessionTimeout === undefined
      ? {}
      : { ticketLifetime: options.sessionTimeout, sessionLifetime: options.sessionTimeout }),
    ...(options.ticketKeys === undefined ? {} : { ticketKeys: [options.ticketKeys] }),
    // SSL_OP_NO_TICKET: sessions resume by id only (RFC 5246 §7.4.1.2), as node's session cache tests run.
    ...(((options.secureOptions ?? 0) & SSL_OP_NO_TICKET) !== 0 ? { sessionTickets: 'disabled' as const } : {}),
    handshakeTimeoutMs: options.handshakeTimeout ?? 120_000,
    ...(options.sslsocket ?? {}),
  } as ServerOptions;
}

/** The cert and key of a secure context, for SNI answers. */
export function certKeyOf(options: SecureContextOptions): CertKeyOptions {
  const { cert, key, password } = contextOptions(options) as CertKeyOptions;
  return {
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(password === undefined ? {} : { password }),
  };
}

/** Node's client options that the facade turns into sslsocket's (the rest are TLSSocket's own). */
export type ClientContextOptions = ClientOptions;
