import { groupByName, NAMED_GROUPS, SIGNATURE_SCHEMES } from '@sslsocket/suites';
import {
  bool,
  bytesOrText,
  type Check,
  describe,
  fn,
  integer,
  isObject,
  listOf,
  looksLikePath,
  oneOf,
  path,
  pathInsteadOfData,
  pskIdentity,
  refused,
  text,
  utf8Length,
} from './option-checks.js';
import { RAW_PUBLIC_KEY_RULES } from './raw-public-key-options.js';
import { isHashSignPair } from './signature-algs.js';

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

const signatureAlgList = listOf((s) => {
  if (!Array.isArray(s)) return schemeName(s);
  return isHashSignPair(s) ? undefined : `a TLS 1.2 pair is [hash, sign] such as ['sha256', 'rsa'], got ${describe(s)}`;
}, 'signature schemes');

const certValue: Check = (v) =>
  looksLikePath(v)
    ? pathInsteadOfData(v, 'certfile')
    : typeof v === 'string' ||
        v instanceof Uint8Array ||
        (Array.isArray(v) && v.length > 0 && v.every((c) => c instanceof Uint8Array))
      ? undefined
      : 'must be PEM text, DER bytes or a non-empty list of DER certificates';
const keyValue: Check = (v) =>
  looksLikePath(v)
    ? pathInsteadOfData(v, 'keyfile')
    : typeof v === 'string' || v instanceof Uint8Array || (isObject(v) && typeof v.kind === 'string')
      ? undefined
      : 'must be PEM text, PKCS#8 DER or a parsed PrivateKey';

export const CERT_KEY_RULES: Readonly<Record<string, Check>> = {
  cert: certValue,
  certfile: path,
  key: keyValue,
  keyfile: path,
  password: text,
};

export const COMMON_RULES: Readonly<Record<string, Check>> = {
  ...CERT_KEY_RULES,
  ...RAW_PUBLIC_KEY_RULES,
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
  // RFC 8879 §3 algorithms; an empty list turns compression off.
  certificateCompression: (v) =>
    Array.isArray(v) && v.every((a) => a === 'zlib' || a === 'brotli' || a === 'zstd')
      ? undefined
      : `must be a list of 'zlib', 'brotli', 'zstd', got ${describe(v)}`,
  signatureAlgs: signatureAlgList,
  signatureAlgsCert: listOf(schemeName, 'signature schemes'),
  verify: oneOf('verify_none', 'verify_peer'),
  cacerts: listOf(
    (c) =>
      looksLikePath(c)
        ? pathInsteadOfData(c, 'cacertfile')
        : typeof c === 'string' || c instanceof Uint8Array
          ? undefined
          : 'entries must be PEM text or DER bytes',
    'certificates',
  ),
  cacertfile: path,
  depth: integer(0),
  partialChain: (v) =>
    typeof v === 'boolean' || typeof v === 'function' ? undefined : 'must be a boolean or a function',
  verifyFun: fn,
  customizeHostnameCheck: fn,
  crlCheck: oneOf(true, false, 'peer', 'best_effort'),
  profile: oneOf('webpki', 'rfc5280'),
  crlCache: (v) =>
    isObject(v) && typeof v.lookup === 'function'
      ? undefined
      : 'must be a CrlSource (CrlCache, CrlDirectoryStore, HttpCrlCache)',
  // Erlang {active, N}: N in -32768..32767 (inet:setopts).
  active: (v) =>
    typeof v === 'boolean' || v === 'once' || integer(-32768, 32767)(v) === undefined
      ? undefined
      : "must be true, false, 'once' or an integer from -32768 to 32767",
  keylog: fn,
  keepSecrets: bool,
  // setTimeout clamps larger delays to 1 ms, so anything above 2^31-1 would fire at once.
  handshakeTimeoutMs: integer(1, 2 ** 31 - 1),
  idleTimeoutMs: integer(1, 2 ** 31 - 1),
  sendQueueLimit: integer(1),
  // A handshake message length is a uint24 (RFC 8446 §4).
  maxHandshakeSize: integer(1, 2 ** 24 - 1),
  // RFC 8449 §4: at least 64; at most 2^14 + 1 (TLS 1.3 counts the content type byte).
  recordSizeLimit: integer(64, 16385),
  highWaterMark: integer(1),
  unexpectedEof: oneOf('closed', 'error'),
  pskModes: listOf(oneOf('psk_dhe_ke', 'psk_ke'), "modes ('psk_dhe_ke', 'psk_ke')"),
  handshake: oneOf('hello', 'full'),
  secureRenegotiate: bool,
  requireExtendedMasterSecret: bool,
  extendedMasterSecret: bool,
  encryptThenMac: bool,
  userLookupFun: fn,
  // 'dtls' is taken by connect/listen before validation (dtls-api.ts validates the rest).
  protocol: oneOf('tls', 'dtls'),
  logLevel: oneOf('none', 'all', 'emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'),
  logAlert: bool,
  hibernateAfter: integer(0),
  paddingCheck: bool,
  beastMitigation: oneOf('one_n_minus_one', 'zero_n', 'disabled'),
  sslImp: oneOf('new', 'old'),
  mode: (v) => (v === 'binary' ? undefined : "only 'binary': data is always a Uint8Array"),
  packet: oneOf(0, 1, 2, 4, 'raw', 'line'),
  packetSize: integer(0, 2 ** 31 - 1),
  header: (v) => (v === 0 ? undefined : 'only 0: data is always a Uint8Array'),
  cbInfo: refused('pass a Transport instead: connect(transport, options), handshake(transport, options)'),
};

export const CLIENT_RULES: Readonly<Record<string, Check>> = {
  ...COMMON_RULES,
  // RFC 6066 §3: a DNS host name; 'disable' sends none.
  serverNameIndication: (v) =>
    typeof v === 'string' && v.length > 0 && utf8Length(v) <= 255
      ? undefined
      : "must be a host name (1 to 255 bytes) or 'disable'",
  alpnAdvertisedProtocols: alpnList,
  reuseSession: (v) => (isObject(v) ? undefined : 'must be a saved session (socket.savedSessions)'),
  reuseSessions: oneOf(true, false, 'save'),
  maxSavedSessions: integer(1),
  middleboxCompMode: bool,
  pskIdentity: pskIdentity(1),
  fallback: bool,
  maxFragmentLength: oneOf(512, 1024, 2048, 4096),
  earlyData: (v) => (typeof v === 'string' || v instanceof Uint8Array ? undefined : 'must be bytes or a string'),
  postHandshakeAuth: bool,
  ocspStapling: bool,
  ocspCheck: oneOf('staple', 'best_effort', false),
  srpIdentity: refused('SRP suites are not offered'),
  clientPreferredNextProtocols: refused('NPN was replaced by ALPN: use alpnAdvertisedProtocols'),
};

const ticketKeyList = listOf(
  (k) => (k instanceof Uint8Array && k.length >= 32 ? undefined : 'each key must be a Uint8Array of 32 bytes or more'),
  'keys (or a provider function)',
);

export const SERVER_RULES: Readonly<Record<string, Check>> = {
  ...COMMON_RULES,
  alpnPreferredProtocols: alpnList,
  failIfNoPeerCert: bool,
  sniHosts: (v) => (isObject(v) ? undefined : 'must be an object of host name -> { cert, key, ... }'),
  sniFun: fn,
  honorCipherOrder: bool,
  honorEccOrder: bool,
  sessionTickets: oneOf('disabled', 'stateless', 'stateful'),
  ticketKeys: (v) => (typeof v === 'function' ? undefined : ticketKeyList(v)),
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
  sessionCache: (v) =>
    isObject(v) && typeof v.get === 'function' && typeof v.put === 'function'
      ? undefined
      : 'must be a ServerSessionCache',
  sessionStore: (v) =>
    isObject(v) &&
    ['get', 'set', 'delete'].every((m) => typeof v[m] === 'function') &&
    (v.take === undefined || typeof v.take === 'function')
      ? undefined
      : 'must be a SessionStore (get, set, delete; take optional)',
  onSessionStoreError: fn,
  earlyData: oneOf('enabled', 'disabled'),
  maxEarlyDataSize: integer(0, 2 ** 32 - 1),
  ocspResponse: (v) =>
    v instanceof Uint8Array || typeof v === 'function' ? undefined : 'must be DER bytes or a function returning them',
  ocspResponseFile: path,
  postHandshakeAuth: bool,
  nextProtocolsAdvertised: refused('NPN was replaced by ALPN: use alpnPreferredProtocols'),
  maxQueued: integer(1),
  maxConcurrentHandshakes: integer(1),
  helloTimeoutMs: integer(1, 2 ** 31 - 1),
  minHandshakeStallMs: integer(1, 2 ** 31 - 1),
  maxPendingHellos: integer(1),
};
