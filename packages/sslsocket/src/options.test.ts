import { CrlCache } from '@sslsocket/pkix';
import { nobleProvider } from '@sslsocket/suites';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signatureAlgsToEngine } from './signature-algs.js';
import type { ClientOptions, ServerOptions } from './socket-options.js';
import { OptionError, validateClientOptions, validateServerOptions } from './validate-options.js';

const CERT = '-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMA==\n-----END PRIVATE KEY-----\n';
const noop = () => undefined;
const client = (options: object) => () => validateClientOptions({ verify: 'verify_none', ...options } as ClientOptions);
const server = (options: object) => () => validateServerOptions({ cert: CERT, key: KEY, ...options } as ServerOptions);

/** The error a validation throws, so tests can look at its option name. */
function rejection(run: () => unknown): OptionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(OptionError);
    return error as OptionError;
  }
  throw new Error('expected an OptionError');
}

// Every option, one valid value each: client and server (common options are tried on both sides).
const COMMON_VALID: Record<string, unknown> = {
  provider: nobleProvider,
  versions: ['tlsv1.3', 'tlsv1.2'],
  ciphers: 'ECDHE+AESGCM',
  eccs: ['x25519', 'secp256r1', 'ffdhe2048'],
  signatureAlgs: ['ecdsa_secp256r1_sha256', 'rsa_pss_rsae_sha256'],
  signatureAlgsCert: ['rsa_pkcs1_sha256'],
  cacerts: [CERT, new Uint8Array([0x30, 0])],
  cacertfile: '/etc/ssl/cert.pem',
  depth: 0,
  partialChain: () => undefined,
  verifyFun: noop,
  customizeHostnameCheck: () => true,
  active: 'once',
  keylog: noop,
  handshakeTimeoutMs: 5000,
  maxHandshakeSize: 2 ** 24 - 1,
  recordSizeLimit: 64,
  highWaterMark: 1,
  handshake: 'hello',
  secureRenegotiate: false,
  requireExtendedMasterSecret: true,
  encryptThenMac: false,
  userLookupFun: () => new Uint8Array(16),
  protocol: 'tls',
  logLevel: 'debug',
  logAlert: false,
  hibernateAfter: 1000,
  paddingCheck: true,
  beastMitigation: 'zero_n',
  sslImp: 'new',
  mode: 'binary',
  packet: 'raw',
  header: 0,
  crlCheck: false,
  profile: 'rfc5280',
};
const CLIENT_VALID: Record<string, unknown> = {
  serverNameIndication: 'disable',
  alpnAdvertisedProtocols: ['h2', 'x'.repeat(255)],
  reuseSession: { ticket: new Uint8Array(1) },
  reuseSessions: 'save',
  middleboxCompMode: false,
  fallback: true,
  maxFragmentLength: 512,
};
const SERVER_VALID: Record<string, unknown> = {
  alpnPreferredProtocols: ['http/1.1'],
  failIfNoPeerCert: false,
  sniHosts: { 'a.test': { cert: CERT, key: KEY }, 'b.test': { certfile: '/c.pem', keyfile: '/k.pem', password: 'p' } },
  sniFun: noop,
  honorCipherOrder: true,
  honorEccOrder: false,
  sessionTickets: 'stateless',
  ticketKeys: [new Uint8Array(32)],
  ticketLifetime: 604800,
  clientRenegotiation: false,
  dh: new Uint8Array([0x30]),
  dhfile: '/dh.pem',
  pskIdentity: '',
  reuseSessions: true,
  reuseSession: () => true,
  sessionLifetime: 300,
  sessionCacheServerMax: 0,
};

// The option names of the Erlang ssl manual pages in the seeds (current and ssl 7.3), plus the
// application settings seed 004 asks for; each must have a camelCased counterpart on its side.
const ERLANG_COMMON = `protocol handshake cert certfile key keyfile password ciphers eccs signature_algs_cert
  secure_renegotiate depth verify_fun crl_check crl_cache max_handshake_size partial_chain versions user_lookup_fun
  log_level log_alert hibernate_after padding_check beast_mitigation ssl_imp cb_info active mode packet header`;
const ERLANG_CLIENT = `verify reuse_session reuse_sessions cacerts cacertfile alpn_advertised_protocols
  client_preferred_next_protocols psk_identity srp_identity server_name_indication customize_hostname_check
  signature_algs fallback`;
const ERLANG_SERVER = `cacerts cacertfile dh dhfile verify fail_if_no_peer_cert reuse_sessions reuse_session
  alpn_preferred_protocols next_protocols_advertised psk_identity honor_cipher_order sni_hosts sni_fun honor_ecc_order
  client_renegotiation signature_algs session_lifetime session_cache_server_max`;
const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const names = (list: string) => list.split(/\s+/).filter((name) => name !== '');

describe('options: every Erlang option of the seeds has a counterpart', () => {
  it.each([...names(ERLANG_COMMON), ...names(ERLANG_CLIENT)])('client %s', (name) => {
    // An undefined value counts as absent, so this only asks whether the name is known.
    const base = { verify: 'verify_none', cacerts: [CERT] };
    expect(() => validateClientOptions({ ...base, [camel(name)]: undefined } as ClientOptions)).not.toThrow();
    if (name.includes('_')) expect(rejection(client({ [name]: 1 })).message).toMatch(/camelCased/);
  });

  it.each([...names(ERLANG_COMMON), ...names(ERLANG_SERVER)])('server %s', (name) => {
    expect(() => validateServerOptions({ sniFun: noop, [camel(name)]: undefined } as ServerOptions)).not.toThrow();
  });
});

describe('options: every valid option is accepted', () => {
  it.each(Object.entries({ ...COMMON_VALID, ...CLIENT_VALID }))('client %s', (name, value) => {
    const options = { [name]: value };
    expect(client(options)()).toMatchObject(options);
  });

  it.each(Object.entries({ ...COMMON_VALID, ...SERVER_VALID }))('server %s', (name, value) => {
    // sniFun and sniHosts are exclusive; each alone is fine.
    const options = { [name]: value };
    expect(server(options)()).toMatchObject(options);
  });

  it('accepts all of them together, and undefined values as absent', () => {
    const { sniFun: _sniFun, ...serverAll } = SERVER_VALID;
    expect(() => client({ ...COMMON_VALID, ...CLIENT_VALID })()).not.toThrow();
    expect(() => server({ ...COMMON_VALID, ...serverAll })()).not.toThrow();
    expect(() => client({ alpnAdvertisedProtocols: undefined, depth: undefined })()).not.toThrow();
  });

  it('accepts each form of cert and key, and both verify modes', () => {
    for (const pair of [
      { cert: CERT, key: KEY },
      { cert: new Uint8Array([0x30]), key: new Uint8Array([0x30]), password: 'secret' },
      { cert: [new Uint8Array([0x30]), new Uint8Array([0x30])], key: { kind: 'ed25519', seed: new Uint8Array(32) } },
      { certfile: '/c.pem', keyfile: '/k.pem' },
    ]) {
      expect(client(pair)()).toMatchObject(pair);
      expect(validateServerOptions(pair as ServerOptions)).toBe(pair);
    }
    expect(() => validateClientOptions({ verify: 'verify_peer', cacertfile: '/ca.pem' })).not.toThrow();
    expect(() => validateClientOptions({ verifyFun: () => 'valid' })).not.toThrow();
  });

  it('accepts the TLS 1.2 PSK pair on the client, and certificate-less servers that use SNI', () => {
    expect(() => client({ pskIdentity: 'id', userLookupFun: noop })()).not.toThrow();
    expect(() => validateServerOptions({ sniFun: noop })).not.toThrow();
    expect(() =>
      validateServerOptions({ verify: 'verify_peer', cacerts: [CERT], failIfNoPeerCert: true }),
    ).not.toThrow();
  });
});

// [description, run, option named in the error, message pattern]
const REJECTED: [string, () => unknown, string, RegExp][] = [
  ['not an object', () => validateClientOptions(null as never), 'options', /must be an object/],
  ['typo', client({ verfy: 'verify_none' }), 'verfy', /unknown client option \(did you mean verify\?\)/],
  ['Erlang spelling', client({ server_name_indication: 'a' }), 'server_name_indication', /use serverNameIndication/],
  ['server option on a client', client({ sniFun: noop }), 'sniFun', /is a server option/],
  ['client option on a server', server({ fallback: true }), 'fallback', /is a client option/],
  ['wrong type: boolean', client({ middleboxCompMode: 'yes' }), 'middleboxCompMode', /true or false/],
  ['wrong type: function', client({ verifyFun: 'x' }), 'verifyFun', /function/],
  ['wrong type: verify', client({ verify: 'verify_all' }), 'verify', /verify_none/],
  ['empty version list', client({ versions: [] }), 'versions', /non-empty/],
  ['legacy version', client({ versions: ['tlsv1.3', 'tlsv1.1'] }), 'versions', /tlsv1\.1.*TLS 1\.2 and 1\.3 only/],
  ['DTLS version', server({ versions: ['dtlsv1.2'] }), 'versions', /unsupported version/],
  // Issue #18: 'dtls' is accepted now (connect/listen run DTLS 1.2); other protocols are not.
  ['unknown protocol', client({ protocol: 'quic' }), 'protocol', /"tls", "dtls"/],
  ['empty cipher string', client({ ciphers: '' }), 'ciphers', /cipher string/],
  ['cipher list of numbers', client({ ciphers: [0x1301] }), 'ciphers', /suite names/],
  ['unknown group', client({ eccs: ['curve25519'] }), 'eccs', /unknown group/],
  ['group alias', client({ eccs: ['P-256'] }), 'eccs', /did you mean secp256r1/],
  ['unknown scheme', client({ signatureAlgs: ['rsa_sha256'] }), 'signatureAlgs', /unknown signature scheme/],
  ['bad hash/sign pair', client({ signatureAlgs: [['sha3', 'rsa']] }), 'signatureAlgs', /\[hash, sign\]/],
  ['scheme cert list', server({ signatureAlgsCert: ['x'] }), 'signatureAlgsCert', /unknown signature scheme/],
  ['empty ALPN entry', client({ alpnAdvertisedProtocols: ['h2', ''] }), 'alpnAdvertisedProtocols', /1 to 255 bytes/],
  [
    'ALPN entry > 255 bytes',
    server({ alpnPreferredProtocols: ['é'.repeat(128)] }),
    'alpnPreferredProtocols',
    /1 to 255/,
  ],
  ['empty ALPN list', client({ alpnAdvertisedProtocols: [] }), 'alpnAdvertisedProtocols', /non-empty/],
  ['negative depth', client({ depth: -1 }), 'depth', /integer from 0/],
  ['fractional depth', client({ depth: 1.5 }), 'depth', /integer/],
  ['zero timeout', client({ handshakeTimeoutMs: 0 }), 'handshakeTimeoutMs', /from 1/],
  ['timeout beyond setTimeout', client({ handshakeTimeoutMs: 2 ** 31 }), 'handshakeTimeoutMs', /2147483647/],
  ['NaN timeout', client({ handshakeTimeoutMs: Number.NaN }), 'handshakeTimeoutMs', /integer/],
  ['handshake size > uint24', client({ maxHandshakeSize: 2 ** 24 }), 'maxHandshakeSize', /16777215/],
  ['record size limit < 64', client({ recordSizeLimit: 63 }), 'recordSizeLimit', /64 to 16385/],
  ['record size limit > 2^14+1', server({ recordSizeLimit: 16386 }), 'recordSizeLimit', /64 to 16385/],
  ['zero high water mark', client({ highWaterMark: 0 }), 'highWaterMark', /from 1/],
  ['active out of range', client({ active: 40000 }), 'active', /-32768 to 32767/],
  ['active string', client({ active: 'twice' }), 'active', /'once'/],
  ['handshake mode', client({ handshake: 'half' }), 'handshake', /"hello", "full"/],
  ['provider name', client({ provider: 'openssl' }), 'provider', /CryptoProvider/],
  ['cacerts not a list', client({ cacerts: CERT }), 'cacerts', /non-empty list/],
  ['cacerts entry', client({ cacerts: [42] }), 'cacerts', /PEM text or DER/],
  ['empty cacertfile', client({ cacertfile: '' }), 'cacertfile', /file path/],
  ['cert type', server({ cert: 42 }), 'cert', /PEM text, DER bytes/],
  ['key type', server({ key: 42 }), 'key', /PKCS#8/],
  ['password type', server({ password: 1234 }), 'password', /string/],
  ['cert without key', () => validateServerOptions({ cert: CERT }), 'key', /go together/],
  ['key without cert', () => validateClientOptions({ verify: 'verify_none', keyfile: '/k' }), 'cert', /go together/],
  ['server verify_peer without roots', server({ verify: 'verify_peer' }), 'verify', /needs cacerts/],
  ['failIfNoPeerCert without verify_peer', server({ failIfNoPeerCert: true }), 'failIfNoPeerCert', /verify_peer/],
  ['sniHosts with sniFun', server({ sniHosts: { a: { cert: CERT, key: KEY } }, sniFun: noop }), 'sniFun', /exclusive/],
  ['sniHosts not an object', server({ sniHosts: ['a'] }), 'sniHosts', /object/],
  [
    'sniHosts entry option',
    server({ sniHosts: { 'a.test': { cert: CERT, key: KEY, alpn: 1 } } }),
    'sniHosts.a.test.alpn',
    /unknown/,
  ],
  ['sniHosts entry without cert', server({ sniHosts: { 'a.test': {} } }), 'sniHosts.a.test.cert', /needs cert/],
  ['sniHosts entry without key', server({ sniHosts: { 'a.test': { cert: CERT } } }), 'sniHosts.a.test.key', /together/],
  ['SNI name too long', client({ serverNameIndication: 'a'.repeat(256) }), 'serverNameIndication', /255 bytes/],
  ['SNI empty', client({ serverNameIndication: '' }), 'serverNameIndication', /host name/],
  ['reuseSession not a session', client({ reuseSession: 'abc' }), 'reuseSession', /saved session/],
  ['reuseSessions value', client({ reuseSessions: 'always' }), 'reuseSessions', /"save"/],
  ['server reuseSessions save', server({ reuseSessions: 'save' }), 'reuseSessions', /true or false/],
  ['server reuse policy type', server({ reuseSession: true }), 'reuseSession', /function/],
  [
    'reuse policy without reuse',
    server({ reuseSessions: false, reuseSession: noop }),
    'reuseSession',
    /needs reuseSessions/,
  ],
  ['negative session lifetime', server({ sessionLifetime: -1 }), 'sessionLifetime', /from 0/],
  ['cache size not integer', server({ sessionCacheServerMax: 1.5 }), 'sessionCacheServerMax', /integer/],
  ['ticket lifetime > 7 days', server({ ticketLifetime: 604801 }), 'ticketLifetime', /604800/],
  ['short ticket key', server({ ticketKeys: [new Uint8Array(16)] }), 'ticketKeys', /32 bytes/],
  [
    'tickets disabled with keys',
    server({ sessionTickets: 'disabled', ticketKeys: [new Uint8Array(32)] }),
    'ticketKeys',
    /disabled/,
  ],
  ['session tickets mode', server({ sessionTickets: 'stateless_with_cert' }), 'sessionTickets', /"disabled"/],
  ['max fragment length', client({ maxFragmentLength: 8192 }), 'maxFragmentLength', /512, 1024/],
  ['client PSK identity empty', client({ pskIdentity: '', userLookupFun: noop }), 'pskIdentity', /1 to 65535/],
  ['PSK identity too long', server({ pskIdentity: new Uint8Array(65536) }), 'pskIdentity', /65535/],
  ['client PSK identity without lookup', client({ pskIdentity: 'id' }), 'pskIdentity', /userLookupFun/],
  ['dh type', server({ dh: 7 }), 'dh', /string or a Uint8Array/],
  ['hibernateAfter negative', client({ hibernateAfter: -5 }), 'hibernateAfter', /from 0/],
  ['beastMitigation value', client({ beastMitigation: 'on' }), 'beastMitigation', /one_n_minus_one/],
  ['logLevel value', client({ logLevel: 'verbose' }), 'logLevel', /"debug"/],
  ['mode list', client({ mode: 'list' }), 'mode', /Uint8Array/],
  ['packet framing', server({ packet: 3 }), 'packet', /must be one of 0, 1, 2, 4, "raw", "line"/],
  ['packet size', client({ packetSize: -1 }), 'packetSize', /integer from 0/],
  ['header', client({ header: 2 }), 'header', /only 0/],
  ['cb_info', client({ cbInfo: ['gen_tcp'] }), 'cbInfo', /pass a Transport/],
  ['SRP', client({ srpIdentity: ['u', 'p'] }), 'srpIdentity', /SRP/],
  ['NPN client', client({ clientPreferredNextProtocols: ['h2'] }), 'clientPreferredNextProtocols', /ALPN/],
  ['NPN server', server({ nextProtocolsAdvertised: ['h2'] }), 'nextProtocolsAdvertised', /ALPN/],
  ['crlCheck value', client({ crlCheck: 'all' }), 'crlCheck', /"best_effort"/],
  ['crlCache type', client({ crlCache: {} }), 'crlCache', /CrlSource/],
  ['profile value', client({ profile: 'strict' }), 'profile', /"rfc5280"/],
];

describe('options: each rule rejects with an OptionError naming the option', () => {
  it.each(REJECTED)('%s', (_name, run, option, pattern) => {
    const error = rejection(run);
    expect(error.option).toBe(option);
    expect(error.message).toMatch(pattern);
    expect(error.message.startsWith(`option ${option}: `)).toBe(true);
  });

  it('accepts the options the engine reads (none waits for wiring)', () => {
    const samples: object[] = [
      { crlCheck: 'peer' },
      { crlCache: new CrlCache() },
      { signatureAlgs: [['sha256', 'rsa']] },
    ];
    for (const options of samples) {
      expect(() => client(options)()).not.toThrow();
    }
  });
});

describe('options: properties', () => {
  it('ALPN names of 1..255 bytes are accepted, longer ones rejected', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 300, unit: 'binary-ascii' }), (name) => {
        const run = client({ alpnAdvertisedProtocols: [name] });
        if (name.length <= 255) expect(run()).toBeDefined();
        else expect(rejection(run).option).toBe('alpnAdvertisedProtocols');
      }),
    );
  });

  it('an unknown option is named in the error, with a hint', () => {
    const others = ['cert', 'certfile', 'key', 'keyfile', 'password', 'verify', 'pskIdentity'];
    const known = new Set([...Object.keys({ ...COMMON_VALID, ...CLIENT_VALID, ...SERVER_VALID }), ...others]);
    fc.assert(
      fc.property(
        fc
          .string({ minLength: 1, maxLength: 20 })
          .filter((key) => !known.has(key) && !['__proto__', 'cbInfo'].includes(key)),
        (key) => {
          const error = rejection(client({ [key]: 1 }));
          expect(error.option).toBe(key);
          expect(error.message).toMatch(/unknown client option|is a server option/);
        },
      ),
    );
  });

  it('handshake timeouts are accepted exactly in 1..2^31-1', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10, max: 2 ** 32 }), (ms) => {
        const run = client({ handshakeTimeoutMs: ms });
        if (ms >= 1 && ms <= 2 ** 31 - 1) expect(run()).toBeDefined();
        else expect(rejection(run).option).toBe('handshakeTimeoutMs');
      }),
    );
  });
});

describe('signatureAlgsToEngine', () => {
  it('maps Erlang [hash, sign] pairs to RFC 5246 code points, names where they exist', () => {
    expect(
      signatureAlgsToEngine([['sha256', 'rsa'], ['sha384', 'ecdsa'], ['sha', 'dsa'], ['sha512', 'rsa'], 'ed25519']),
    ).toEqual(['rsa_pkcs1_sha256', 'ecdsa_secp384r1_sha384', 0x0202, 'rsa_pkcs1_sha512', 'ed25519']);
    expect(signatureAlgsToEngine([['md5', 'rsa']])).toEqual([0x0101]);
  });
});
