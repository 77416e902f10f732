// TLS 1.2 interop cases: our engine against openssl s_server / s_client with -tls1_2.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ALPN_CLIENT, ALPN_SERVER } from './cases.mjs';
import {
  attach,
  connectTo,
  echo,
  finish,
  ourClient,
  serveOpensslClient,
  startServer,
  CASE_WAIT as T,
  waitFor,
  writeTemp,
} from './driver.mjs';

const PSK_HEX = '0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20';
const PSK_KEY = () => new Uint8Array(Buffer.from(PSK_HEX, 'hex'));
const OSSL_GROUP = { x25519: 'X25519', x448: 'X448', secp256r1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

export const GROUPS12 = ['x25519', 'x448', 'secp256r1', 'secp384r1', 'secp521r1'];

/** TLS 1.2 signature scheme → [certificate key type, OpenSSL -sigalgs spelling]. */
export const SCHEMES12 = {
  rsa_pkcs1_sha256: ['rsa', 'RSA+SHA256'],
  rsa_pkcs1_sha384: ['rsa', 'RSA+SHA384'],
  rsa_pkcs1_sha512: ['rsa', 'RSA+SHA512'],
  rsa_pkcs1_sha1: ['rsa', 'RSA+SHA1'],
  rsa_pss_rsae_sha256: ['rsa', 'rsa_pss_rsae_sha256'],
  rsa_pss_rsae_sha384: ['rsa', 'rsa_pss_rsae_sha384'],
  rsa_pss_rsae_sha512: ['rsa', 'rsa_pss_rsae_sha512'],
  rsa_pss_pss_sha256: ['rsa-pss', 'rsa_pss_pss_sha256'],
  rsa_pss_pss_sha384: ['rsa-pss', 'rsa_pss_pss_sha384'],
  rsa_pss_pss_sha512: ['rsa-pss', 'rsa_pss_pss_sha512'],
  ecdsa_secp256r1_sha256: ['p256', 'ECDSA+SHA256'],
  ecdsa_secp384r1_sha384: ['p384', 'ECDSA+SHA384'],
  ecdsa_secp521r1_sha512: ['p521', 'ECDSA+SHA512'],
  ecdsa_sha1: ['p256', 'ECDSA+SHA1'],
  ed25519: ['ed25519', 'ed25519'],
  ed448: ['ed448', 'ed448'],
};

/**
 * The TLS 1.2 suites both OpenSSL 3.0 (ALL:COMPLEMENTOFALL at security level 0, PSK included) and
 * our registry know. OpenSSL's ARIA, CAMELLIA, DSS and NULL suites are not implemented here.
 */
export function opensslSuites12(registry) {
  let names;
  try {
    const out = execFileSync(
      'openssl',
      ['ciphers', '-psk', '-tls1_2', '-s', '-stdname', 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'],
      {
        encoding: 'utf8',
      },
    );
    names = new Set(out.split('\n').map((l) => l.trim().split(' ')[0]));
  } catch {
    return [];
  }
  return registry.filter(
    (s) => s.versions.includes('tlsv1.2') && !s.versions.includes('tlsv1.3') && names.has(s.name) && s.opensslName,
  );
}

function keyTypeFor(suite) {
  return suite.authentication === 'rsa' ? 'rsa' : 'p256';
}

function pskArgsServer(suite) {
  return suite.authentication === 'psk' || suite.keyExchange === 'rsa_psk'
    ? ['-psk', PSK_HEX, '-psk_hint', 'hint-1', '-psk_identity', 'alice']
    : [];
}

function isPsk(suite) {
  return suite.keyExchange === 'psk' || suite.keyExchange.endsWith('_psk');
}

/** s_server limited to TLS 1.2. */
function startServer12(env, options) {
  return startServer(env, { ...options, version: '-tls1_2' });
}

/** Our client against `openssl s_server -tls1_2`. */
function client12(name, { keyType, args = [], config = {}, check, rev = true }) {
  return {
    name: `tls12 client ${name}`,
    run: async (env) => {
      const C = typeof config === 'function' ? config(env) : config;
      const A = typeof args === 'function' ? args(env) : args;
      const { port, srv, cert } = await startServer12(env, { keyType, args: A, rev });
      const { conn, h, sock } = await ourClient(env, port, { pinnedCertificate: cert.der, ...C });
      try {
        if (h.complete.version !== 'tlsv1.2') throw new Error(`version ${h.complete.version}`);
        if (rev) await echo(conn, h);
        if (check) await check({ conn, h, srv, sock, env, port, cert });
      } finally {
        finish(conn, h, sock, srv);
      }
    },
  };
}

/** `openssl s_client -tls1_2` against our server. */
function server12(name, { keyType = 'p256', args = [], config = {}, check, noVerify = false }) {
  return {
    name: `tls12 server ${name}`,
    run: async (env) => {
      const C = typeof config === 'function' ? config(env) : config;
      const A = typeof args === 'function' ? args(env) : args;
      const c = env.creds[keyType];
      const tls = ['-tls1_2', ...(noVerify ? [] : ['-CAfile', c.certPath, '-verify_return_error'])];
      const { conn, h, cli, sock } = await serveOpensslClient(env, {
        keyType,
        config: C,
        args: [...tls, '-servername', 'localhost', ...A],
      });
      try {
        await waitFor(() => h.complete || h.error, T, 'handshake');
        if (h.error) throw h.error;
        if (h.complete.version !== 'tlsv1.2') throw new Error(`version ${h.complete.version}`);
        cli.stdin.write('ping\n');
        await waitFor(() => h.data.includes('ping') || h.error, T, 'data from s_client');
        conn.write(new TextEncoder().encode('pong\n'));
        h.flush();
        await waitFor(() => cli.output.includes('pong'), T, 'pong at s_client');
        if (!noVerify && !cli.output.includes('Verify return code: 0 (ok)'))
          throw new Error('s_client did not verify us');
        if (check) await check({ conn, h, cli, env, sock });
      } finally {
        finish(conn, h, sock, cli);
      }
    },
  };
}

function suiteConfig(suite) {
  return {
    cipherSuites: [suite.name],
    versions: ['tlsv1.2'],
    ...(isPsk(suite) ? { externalPsk: { identity: new TextEncoder().encode('alice'), key: PSK_KEY() } } : {}),
  };
}

export function matrixCases12(registry) {
  const cases = [];
  for (const suite of opensslSuites12(registry)) {
    const cipher = `${suite.opensslName}:@SECLEVEL=0`;
    const anon = suite.authentication === 'anon' || suite.authentication === 'psk';
    const check = ({ h }) => {
      if (h.complete.cipherSuite !== suite.name) throw new Error(`suite ${h.complete.cipherSuite}`);
      if (!h.complete.extendedMasterSecret) throw new Error('no extended master secret');
      if (suite.cbc !== undefined && !h.complete.encryptThenMac) throw new Error('no encrypt-then-MAC');
    };
    cases.push(
      client12(`suite ${suite.name}`, {
        keyType: keyTypeFor(suite),
        args: ['-cipher', cipher, ...pskArgsServer(suite)],
        config: suiteConfig(suite),
        check,
      }),
    );
    cases.push(
      server12(`suite ${suite.name}`, {
        keyType: keyTypeFor(suite),
        args: ['-cipher', cipher, ...(isPsk(suite) ? ['-psk', PSK_HEX, '-psk_identity', 'bob'] : [])],
        config: {
          cipherSuites: [suite.name],
          ...(isPsk(suite)
            ? { userLookupFun: (id) => (new TextDecoder().decode(id) === 'bob' ? PSK_KEY() : undefined) }
            : {}),
        },
        noVerify: anon,
        check,
      }),
    );
  }
  for (const group of GROUPS12) {
    const check = ({ h }) => {
      if (h.complete.group !== group) throw new Error(`group ${h.complete.group}`);
    };
    // RSA certificates: with ECDSA the certificate's curve must also be among the client's groups (RFC 8422 §5.1).
    cases.push(
      client12(`group ${group}`, {
        keyType: 'rsa',
        args: ['-groups', OSSL_GROUP[group]],
        config: { versions: ['tlsv1.2'], groups: [group] },
        check,
      }),
    );
    cases.push(
      server12(`group ${group}`, {
        keyType: 'rsa',
        args: ['-groups', OSSL_GROUP[group]],
        config: { groups: [group] },
        check,
      }),
    );
  }
  for (const [scheme, [keyType, ossl]] of Object.entries(SCHEMES12)) {
    const cipher = keyType.startsWith('rsa') ? 'ECDHE-RSA-AES128-GCM-SHA256' : 'ECDHE-ECDSA-AES128-GCM-SHA256';
    const check = ({ h }) => {
      if (h.complete.signatureScheme !== scheme) throw new Error(`scheme ${h.complete.signatureScheme}`);
    };
    const level = scheme.endsWith('sha1') ? ':@SECLEVEL=0' : '';
    cases.push(
      client12(`scheme ${scheme}`, {
        keyType,
        args: ['-sigalgs', ossl, '-cipher', cipher + level],
        config: { versions: ['tlsv1.2'], signatureAlgs: [scheme] },
        check,
      }),
    );
    cases.push(
      server12(`scheme ${scheme}`, {
        keyType,
        args: ['-sigalgs', ossl, '-cipher', cipher + level],
        config: { signatureAlgs: [scheme] },
        check,
      }),
    );
  }
  return cases;
}

/** A DH parameters PEM (PKCS#3) as { p, g }: SEQUENCE { INTEGER p, INTEGER g }. */
function readDhParams(pem) {
  const der = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  let at = 0;
  const len = () => {
    let n = der[at++];
    if (n & 0x80) {
      const k = n & 0x7f;
      n = 0;
      for (let i = 0; i < k; i++) n = n * 256 + der[at++];
    }
    return n;
  };
  at++; // SEQUENCE
  len();
  const int = () => {
    at++; // INTEGER
    const n = len();
    const v = BigInt(`0x${der.subarray(at, at + n).toString('hex') || '0'}`);
    at += n;
    return v;
  };
  return { p: int(), g: int() };
}

function dhFile(env) {
  if (env.dhFile === undefined) {
    const path = writeTemp(env.creds, 'dh2048.pem', '');
    execFileSync('openssl', ['dhparam', '-dsaparam', '-out', path, '2048'], { stdio: 'ignore', timeout: 60000 });
    env.dhFile = path;
  }
  return env.dhFile;
}

export function featureCases12() {
  const ems = ({ h }) => {
    if (!h.complete.extendedMasterSecret || !h.complete.secureRenegotiation) throw new Error('EMS / RI missing');
  };
  return [
    client12('version: a 1.3-capable client meets a 1.2-only server', { config: {}, check: ems }),
    {
      name: 'tls12 client version: a 1.2-only client meets a 1.3-capable server',
      run: async (env) => {
        // No version flag: this s_server speaks TLS 1.3 too.
        const { port, srv, cert } = await startServer(env, {});
        const { conn, h, sock } = await ourClient(env, port, { pinnedCertificate: cert.der, versions: ['tlsv1.2'] });
        try {
          if (h.complete.version !== 'tlsv1.2') throw new Error(`version ${h.complete.version}`);
          await echo(conn, h);
        } finally {
          finish(conn, h, sock, srv);
        }
      },
    },
    server12('version: a 1.2-only s_client meets our 1.3-capable server', { check: ems }),
    {
      // RFC 6066 §3: s_server with -servername sends a warning unrecognized_name before its
      // ServerHello when the SNI differs; a client offering TLS 1.2 goes on (RFC 5246 §7.2).
      name: 'tls12 client warning unrecognized_name before the ServerHello',
      run: async (env) => {
        const other = env.creds.other;
        const { port, srv, cert } = await startServer(env, {
          version: '-tls1_2',
          args: ['-servername', 'other.example', '-cert2', other.certPath, '-key2', other.keyPath],
        });
        const { conn, h, sock } = await ourClient(env, port, { pinnedCertificate: cert.der });
        try {
          const warned = h.events.some(
            (e) => e.type === 'alertReceived' && e.alert.description === 'unrecognized_name',
          );
          if (!warned) throw new Error('no unrecognized_name warning seen');
          if (h.complete.version !== 'tlsv1.2') throw new Error(`version ${h.complete.version}`);
          await echo(conn, h);
        } finally {
          finish(conn, h, sock, srv);
        }
      },
    },
    {
      name: 'tls12 client FALLBACK_SCSV is refused by a 1.3-capable server',
      run: async (env) => {
        const { port, srv, cert: c } = await startServer(env, { rev: false });
        const sock = await connectTo(port);
        const conn = new env.lib.ClientConnection({
          provider: env.provider,
          serverName: 'localhost',
          pinnedCertificate: c.der,
          versions: ['tlsv1.2'],
          fallback: true,
        });
        const h = attach(conn, sock);
        await conn.start();
        h.flush();
        try {
          await waitFor(() => h.complete || h.error, T, 'handshake');
          if (h.error?.description !== 'inappropriate_fallback')
            throw new Error(`got ${h.error?.description ?? 'success'}`);
        } finally {
          finish(conn, h, sock, srv);
        }
      },
    },
    {
      name: 'tls12 server answers s_client -fallback_scsv with inappropriate_fallback',
      run: async (env) => {
        const { conn, h, cli, sock } = await serveOpensslClient(env, { args: ['-tls1_2', '-fallback_scsv'] });
        try {
          await waitFor(() => h.error, T, 'failure');
          if (h.error.description !== 'inappropriate_fallback') throw new Error(`got ${h.error.description}`);
          await waitFor(() => cli.output.includes('inappropriate fallback'), T, 'alert at s_client');
        } finally {
          finish(conn, h, sock, cli);
        }
      },
    },
    client12('ALPN', ALPN_CLIENT),
    server12('ALPN', ALPN_SERVER),
    client12('SNI selects the second certificate', {
      args: (env) => [
        '-servername',
        'other.example',
        '-cert2',
        env.creds.other.certPath,
        '-key2',
        env.creds.other.keyPath,
      ],
      config: (env) => ({ serverName: 'other.example', pinnedCertificate: env.creds.other.der }),
    }),
    server12('SNI picks the certificate by name', {
      args: ['-servername', 'localhost'],
      config: (env) => ({
        certificateChain: undefined,
        privateKey: undefined,
        sniHosts: {
          localhost: { certificateChain: [env.creds.p256.der], privateKey: env.creds.p256.privateKey },
          'other.example': { certificateChain: [env.creds.other.der], privateKey: env.creds.other.privateKey },
        },
      }),
      check: ({ h }) => {
        if (h.complete.serverName !== 'localhost') throw new Error(`sni ${h.complete.serverName}`);
      },
    }),
    client12('encrypt-then-MAC off (s_server -no_etm)', {
      args: ['-no_etm', '-cipher', 'ECDHE-ECDSA-AES128-SHA'],
      config: { cipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA'] },
      check: ({ h }) => {
        if (h.complete.encryptThenMac) throw new Error('EtM negotiated despite -no_etm');
      },
    }),
    server12('encrypt-then-MAC off (s_client -no_etm)', {
      args: ['-no_etm', '-cipher', 'ECDHE-ECDSA-AES256-SHA384'],
      config: { cipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384'] },
      check: ({ h }) => {
        if (h.complete.encryptThenMac) throw new Error('EtM negotiated despite -no_etm');
      },
    }),
    client12('max_fragment_length 1024', {
      config: { maxFragmentLength: 1024 },
      check: async ({ conn, h }) => {
        await echo(conn, h, 'x'.repeat(3000));
      },
    }),
    server12('max_fragment_length 512 (s_client -maxfraglen)', {
      args: ['-maxfraglen', '512'],
      check: async ({ conn, h, cli }) => {
        conn.write(new TextEncoder().encode(`${'y'.repeat(2000)}\n`));
        h.flush();
        await waitFor(() => cli.output.includes('y'.repeat(2000)), T, 'long line at s_client');
      },
    }),
    client12('client certificate (s_server -Verify)', {
      args: (env) => ['-Verify', '1', '-CAfile', env.creds.client.certPath],
      config: (env) => ({ certificateChain: [env.creds.client.der], privateKey: env.creds.client.privateKey }),
      check: async ({ srv }) => {
        await waitFor(
          () => srv.output.includes('CN = client.example') || srv.output.includes('client.example'),
          T,
          'client cert at s_server',
        );
      },
    }),
    server12('client certificate required', {
      args: (env) => ['-cert', env.creds.client.certPath, '-key', env.creds.client.keyPath],
      config: (env) => ({ verifyPeer: true, failIfNoPeerCert: true, pinnedCertificate: env.creds.client.der }),
      check: ({ h }) => {
        if (h.complete.peerCertificates.length !== 1) throw new Error('no client certificate');
      },
    }),
    {
      name: 'tls12 server client certificate required but s_client sends none',
      run: async (env) => {
        const { conn, h, cli, sock } = await serveOpensslClient(env, {
          config: { verifyPeer: true, failIfNoPeerCert: true },
          args: ['-tls1_2'],
        });
        try {
          await waitFor(() => h.error, T, 'failure');
          if (h.error.description !== 'handshake_failure') throw new Error(`got ${h.error.description}`);
        } finally {
          finish(conn, h, sock, cli);
        }
      },
    },
    client12('DHE with a custom dhfile', {
      keyType: 'rsa',
      args: (env) => ['-dhparam', dhFile(env), '-cipher', 'DHE-RSA-AES128-GCM-SHA256'],
      config: { cipherSuites: ['TLS_DHE_RSA_WITH_AES_128_GCM_SHA256'] },
      check: ({ h }) => {
        if (h.complete.group !== undefined) throw new Error(`expected custom parameters, got ${h.complete.group}`);
      },
    }),
    server12('DHE with custom parameters (dh option)', {
      keyType: 'rsa',
      args: ['-cipher', 'DHE-RSA-AES256-GCM-SHA384'],
      config: (env) => ({
        cipherSuites: ['TLS_DHE_RSA_WITH_AES_256_GCM_SHA384'],
        dhParameters: readDhParams(readFileSync(dhFile(env), 'utf8')),
      }),
    }),
    resumptionClient('session id', { sessionTickets12: false }, ['-no_ticket']),
    resumptionClient('ticket', {}, []),
    resumptionServer('session id', true),
    resumptionServer('ticket', false),
    {
      name: 'tls12 client renegotiates with s_server -client_renegotiation',
      run: async (env) => {
        const { port, srv, cert } = await startServer12(env, { args: ['-client_renegotiation'] });
        const { conn, h, sock } = await ourClient(env, port, { pinnedCertificate: cert.der, versions: ['tlsv1.2'] });
        try {
          await echo(conn, h, 'before');
          conn.renegotiate();
          h.flush();
          await waitFor(() => h.complete.renegotiated || h.error, T, 'renegotiation');
          if (h.error) throw h.error;
          await echo(conn, h, 'after');
        } finally {
          finish(conn, h, sock, srv);
        }
      },
    },
    {
      name: 'tls12 client renegotiation refused by s_server (no_renegotiation warning), data still flows',
      run: async (env) => {
        const { port, srv, cert } = await startServer12(env, {});
        const { conn, h, sock } = await ourClient(env, port, { pinnedCertificate: cert.der, versions: ['tlsv1.2'] });
        try {
          conn.renegotiate();
          h.flush();
          await waitFor(
            () =>
              h.events.some((e) => e.type === 'alertReceived' && e.alert.description === 'no_renegotiation') || h.error,
            T,
            'no_renegotiation',
          );
          if (h.error) throw h.error;
          await echo(conn, h, 'still-here');
        } finally {
          finish(conn, h, sock, srv);
        }
      },
    },
    {
      name: 'tls12 client follows a renegotiation requested by s_server',
      run: async (env) => {
        const { port, srv, cert } = await startServer12(env, { rev: false });
        const { conn, h, sock } = await ourClient(env, port, { pinnedCertificate: cert.der, versions: ['tlsv1.2'] });
        try {
          srv.stdin.write('r\n');
          await waitFor(() => h.complete.renegotiated || h.error, T, 'renegotiation');
          if (h.error) throw h.error;
          srv.stdin.write('after\n');
          await waitFor(() => h.data.includes('after'), T, 'data after renegotiation');
        } finally {
          finish(conn, h, sock, srv);
        }
      },
    },
    server12('renegotiation initiated by s_client (R)', {
      check: async ({ h, cli, conn }) => {
        cli.stdin.write('R\n');
        await waitFor(() => h.complete.renegotiated || h.error, T, 'renegotiation');
        if (h.error) throw h.error;
        conn.write(new TextEncoder().encode('again\n'));
        h.flush();
        await waitFor(() => cli.output.includes('again'), T, 'data after renegotiation');
      },
    }),
    server12('renegotiation requested by our server (HelloRequest)', {
      check: async ({ h, cli, conn }) => {
        conn.renegotiate();
        h.flush();
        await waitFor(() => h.complete.renegotiated || h.error, T, 'renegotiation');
        if (h.error) throw h.error;
        cli.stdin.write('again\n');
        await waitFor(() => h.data.includes('again'), T, 'data after renegotiation');
      },
    }),
    server12('client renegotiation refused (clientRenegotiation: false)', {
      config: { clientRenegotiation: false },
      check: async ({ h, cli, conn }) => {
        cli.stdin.write('R\n');
        await waitFor(
          () => cli.output.includes('no renegotiation') || cli.output.includes('RENEGOTIATING'),
          T,
          'refusal',
        );
        await new Promise((r) => setTimeout(r, 200));
        if (h.complete.renegotiated) throw new Error('renegotiated');
        void conn;
      },
    }),
  ];
}

function resumptionClient(kind, config, args) {
  return {
    name: `tls12 client resumption with a ${kind}`,
    run: async (env) => {
      const { port, srv, cert } = await startServer12(env, { args });
      const base = { pinnedCertificate: cert.der, versions: ['tlsv1.2'], ...config };
      const first = await ourClient(env, port, base);
      await echo(first.conn, first.h);
      await waitFor(() => first.h.tickets.length > 0, T, 'session');
      finish(first.conn, first.h, first.sock);
      const session = first.h.tickets[0];
      if (kind === 'ticket' && session.ticket === undefined) throw new Error('no ticket');
      const second = await ourClient(env, port, { ...base, session });
      try {
        await echo(second.conn, second.h);
        if (!second.h.complete.resumed) throw new Error('not resumed');
      } finally {
        finish(second.conn, second.h, second.sock, srv);
      }
    },
  };
}

function resumptionServer(kind, byId) {
  return {
    name: `tls12 server resumption with a ${kind}`,
    run: async (env) => {
      const _c = env.creds.p256;
      const sess = writeTemp(env.creds, `sess12-${kind}-${Date.now()}.pem`, '');
      const cache = new env.lib.ServerSessionCache();
      const config = byId ? { sessionCache: cache } : { ticketKeys: [env.ticketKey] };
      const results = [];
      for (const flag of ['-sess_out', '-sess_in']) {
        const { conn, h, cli, sock } = await serveOpensslClient(env, {
          config,
          args: ['-tls1_2', flag, sess, ...(byId ? ['-no_ticket'] : [])],
        });
        try {
          await waitFor(() => h.complete || h.error, T, 'handshake');
          if (h.error) throw h.error;
          cli.stdin.write('ping\n');
          await waitFor(() => h.data.includes('ping'), T, 'data');
          results.push(h.complete.resumed);
          if (flag === '-sess_in') await waitFor(() => cli.output.includes('Reused'), T, 'Reused at s_client');
        } finally {
          finish(conn, h, sock, cli);
        }
      }
      if (results[0] !== false || results[1] !== true) throw new Error(`resumed flags ${results}`);
    },
  };
}

const CERT_GROUP = { p256: 'secp256r1', p384: 'secp384r1', p521: 'secp521r1' };

/**
 * The full TLS 1.2 product: every (EC)DHE suite OpenSSL and we share × every curve (or, for DHE,
 * custom parameters) × every signature scheme its certificate type allows, both directions. It runs on
 * `env.productProvider` (node:crypto when built) to stay within a couple of minutes.
 */
export function productCases12(registry) {
  const cases = [];
  const withProvider = (c) => ({
    ...c,
    run: (env) => c.run({ ...env, provider: env.productProvider ?? env.provider }),
  });
  for (const suite of opensslSuites12(registry)) {
    if (suite.keyExchange !== 'ecdhe' && suite.keyExchange !== 'dhe') continue;
    const schemes = Object.entries(SCHEMES12).filter(([, [keyType]]) =>
      suite.authentication === 'rsa' ? keyType.startsWith('rsa') : !keyType.startsWith('rsa'),
    );
    const groups = suite.keyExchange === 'ecdhe' ? GROUPS12 : [undefined];
    for (const group of groups) {
      for (const [scheme, [keyType, ossl]] of schemes) {
        const label = `${suite.name} × ${group ?? 'dh'} × ${scheme}`;
        const certGroup = CERT_GROUP[keyType];
        const ourGroups = group === undefined ? undefined : [...new Set([group, ...(certGroup ? [certGroup] : [])])];
        const theirGroups = ourGroups?.map((g) => OSSL_GROUP[g]).join(':');
        const cipher = `${suite.opensslName}:@SECLEVEL=0`;
        const check = ({ h }) => {
          if (h.complete.cipherSuite !== suite.name) throw new Error(`suite ${h.complete.cipherSuite}`);
          if (group !== undefined && h.complete.group !== group) throw new Error(`group ${h.complete.group}`);
          if (h.complete.signatureScheme !== scheme) throw new Error(`scheme ${h.complete.signatureScheme}`);
        };
        cases.push(
          withProvider(
            client12(`product ${label}`, {
              keyType,
              args: [
                '-cipher',
                cipher,
                '-sigalgs',
                ossl,
                ...(group === undefined ? [] : ['-groups', OSSL_GROUP[group]]),
              ],
              config: {
                versions: ['tlsv1.2'],
                cipherSuites: [suite.name],
                signatureAlgs: [scheme],
                ...(ourGroups === undefined ? {} : { groups: ourGroups }),
              },
              check,
            }),
          ),
        );
        cases.push(
          withProvider(
            server12(`product ${label}`, {
              keyType,
              args: [
                '-cipher',
                cipher,
                '-sigalgs',
                ossl,
                ...(theirGroups === undefined ? [] : ['-groups', theirGroups]),
              ],
              config: {
                cipherSuites: [suite.name],
                signatureAlgs: [scheme],
                ...(group === undefined ? {} : { groups: [group] }),
              },
              check,
            }),
          ),
        );
      }
    }
  }
  return cases;
}
