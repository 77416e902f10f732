// Interop cases: our engine against openssl s_server / s_client. Each case is { name, run(env) }.
import { readFileSync } from 'node:fs';
import {
  echo,
  finish,
  freePort,
  ourClient,
  serveOpensslClient,
  spawnOpenssl,
  startServer,
  CASE_WAIT as T,
  waitFor,
  writeTemp,
} from './driver.mjs';

const OSSL_GROUP = { x25519: 'X25519', x448: 'X448', secp256r1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
const og = (g) => OSSL_GROUP[g] ?? g;

export const SUITES = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_CCM_SHA256',
  'TLS_AES_128_CCM_8_SHA256',
];
export const GROUPS = [
  'x25519',
  'x448',
  'secp256r1',
  'secp384r1',
  'secp521r1',
  'ffdhe2048',
  'ffdhe3072',
  'ffdhe4096',
  'ffdhe6144',
  'ffdhe8192',
];
/** Signature scheme → key type of the certificate. */
export const SCHEMES = {
  ecdsa_secp256r1_sha256: 'p256',
  ecdsa_secp384r1_sha384: 'p384',
  ecdsa_secp521r1_sha512: 'p521',
  rsa_pss_rsae_sha256: 'rsa',
  rsa_pss_rsae_sha384: 'rsa',
  rsa_pss_rsae_sha512: 'rsa',
  rsa_pss_pss_sha256: 'rsa-pss',
  rsa_pss_pss_sha384: 'rsa-pss',
  rsa_pss_pss_sha512: 'rsa-pss',
  ed25519: 'ed25519',
  ed448: 'ed448',
};

/** The ALPN cases, the same for both versions: s_server's list and ours, then s_client's and ours. */
export const ALPN_CLIENT = {
  args: ['-alpn', 'h2,http/1.1'],
  config: { alpn: ['http/1.1'] },
  check: ({ h }) => {
    if (h.complete.alpn !== 'http/1.1') throw new Error(`alpn ${h.complete.alpn}`);
  },
};
export const ALPN_SERVER = {
  args: ['-alpn', 'foo,h2'],
  config: { alpn: ['h2', 'http/1.1'] },
  check: ({ h, cli }) => {
    if (h.complete.alpn !== 'h2' || !cli.output.includes('ALPN protocol: h2')) throw new Error('alpn');
  },
};

/** s_server limited to TLS 1.3. */
function withServer(env, options) {
  return startServer(env, { ...options, version: '-tls1_3' });
}

/** Our client against s_server. */
function clientCase(name, { suite, group, scheme, keyType, args = [], config = {}, check }) {
  return {
    name: `client ${name}`,
    run: async (env) => {
      const A = typeof args === 'function' ? args(env) : args;
      const C = typeof config === 'function' ? config(env) : config;
      const { port, srv, cert } = await withServer(env, {
        keyType,
        args: [
          ...(suite ? ['-ciphersuites', suite] : []),
          ...(group ? ['-groups', og(group)] : []),
          ...(scheme ? ['-sigalgs', scheme] : []),
          ...A,
        ],
      });
      const { conn, h, sock } = await ourClient(env, port, {
        pinnedCertificate: cert.der,
        ...(suite ? { cipherSuites: [suite] } : {}),
        ...(group ? { groups: [group] } : {}),
        ...(scheme ? { signatureAlgs: [scheme] } : {}),
        ...C,
      });
      try {
        await echo(conn, h);
        if (suite && h.complete.cipherSuite !== suite) throw new Error(`suite ${h.complete.cipherSuite}`);
        if (group && h.complete.group !== group) throw new Error(`group ${h.complete.group}`);
        if (scheme && h.complete.signatureScheme !== scheme) throw new Error(`scheme ${h.complete.signatureScheme}`);
        if (check) await check({ conn, h, srv, env, port, cert });
      } finally {
        finish(conn, h, sock, srv);
      }
    },
  };
}

/** s_client against our server. */
function serverCase(
  name,
  { suite, group, scheme, keyType = 'p256', args = [], config = {}, check, stdin = 'ping\n', noVerify = false },
) {
  return {
    name: `server ${name}`,
    run: async (env) => {
      const A = typeof args === 'function' ? args(env) : args;
      const C = typeof config === 'function' ? config(env) : config;
      const { conn, h, cli, sock } = await serveOpensslClient(env, {
        keyType,
        config: {
          ...(suite ? { cipherSuites: [suite] } : {}),
          ...(group ? { groups: [group] } : {}),
          ...(scheme ? { signatureAlgs: [scheme] } : {}),
          ...C,
        },
        args: [
          '-tls1_3',
          '-CAfile',
          env.creds[keyType].certPath,
          '-verify_return_error',
          '-servername',
          'localhost',
          ...(suite ? ['-ciphersuites', suite] : []),
          ...(group ? ['-groups', og(group)] : []),
          ...(scheme ? ['-sigalgs', scheme] : []),
          ...A,
        ],
      });
      try {
        await waitFor(() => h.complete || h.error, T, 'handshake');
        if (h.error) throw h.error;
        cli.stdin.write(stdin);
        await waitFor(() => h.data.includes('ping') || h.error, T, 'data from s_client');
        conn.write(new TextEncoder().encode('pong\n'));
        h.flush();
        await waitFor(() => cli.output.includes('pong'), T, 'pong at s_client');
        if (!noVerify && !cli.output.includes('Verify return code: 0 (ok)'))
          throw new Error('s_client did not verify us');
        if (check) await check({ conn, h, cli, env });
      } finally {
        finish(conn, h, sock, cli);
      }
    },
  };
}

export function matrixCases() {
  const cases = [];
  for (const suite of SUITES) {
    cases.push(clientCase(`suite ${suite}`, { suite }));
    cases.push(serverCase(`suite ${suite}`, { suite }));
  }
  for (const group of GROUPS) {
    cases.push(clientCase(`group ${group}`, { group }));
    cases.push(serverCase(`group ${group}`, { group }));
  }
  for (const [scheme, keyType] of Object.entries(SCHEMES)) {
    cases.push(clientCase(`scheme ${scheme}`, { scheme, keyType }));
    cases.push(serverCase(`scheme ${scheme}`, { scheme, keyType }));
  }
  return cases;
}

/**
 * The full product suite × group × signature scheme, both directions. The finite-field groups cost
 * seconds per handshake in pure TypeScript, so the product runs on `env.productProvider` (node:crypto
 * when built; the one-at-a-time cases above keep exercising noble for every group).
 */
export function productCases() {
  const cases = [];
  for (const suite of SUITES) {
    for (const group of GROUPS) {
      for (const [scheme, keyType] of Object.entries(SCHEMES)) {
        const label = `${suite} × ${group} × ${scheme}`;
        const withProvider = (c) => ({
          ...c,
          run: (env) => c.run({ ...env, provider: env.productProvider ?? env.provider }),
        });
        cases.push(withProvider(clientCase(label, { suite, group, scheme, keyType })));
        cases.push(withProvider(serverCase(label, { suite, group, scheme, keyType })));
      }
    }
  }
  return cases;
}

export function featureCases() {
  return [
    clientCase('HelloRetryRequest', {
      args: ['-groups', 'P-256'],
      config: { groups: ['x25519', 'secp256r1'], keyShareGroups: ['x25519'] },
      check: ({ h }) => {
        if (!h.complete.helloRetry || h.complete.group !== 'secp256r1') throw new Error('no HRR');
      },
    }),
    serverCase('HelloRetryRequest', {
      args: ['-groups', 'X25519:P-256'],
      config: { groups: ['secp256r1', 'x25519'], honorEccOrder: true },
      check: ({ h }) => {
        if (!h.complete.helloRetry) throw new Error('no HRR');
      },
    }),
    serverCase('HelloRetryRequest with cookie', {
      config: { helloRetryAlways: true },
      check: ({ h }) => {
        if (!h.complete.helloRetry) throw new Error('no HRR');
      },
    }),
    clientCase('GREASE and middlebox compatibility mode', { config: { grease: true, middleboxCompat: true } }),
    // RFC 6066 §4 in TLS 1.3: s_server echoes max_fragment_length in EncryptedExtensions and aborts
    // with record_overflow on a longer record, so a 3000-byte line must go out in 1024-byte records.
    ...[['tlsv1.3'], ['tlsv1.3', 'tlsv1.2']].map((versions) =>
      clientCase(`max_fragment_length 1024 (client offering ${versions.join(', ')})`, {
        config: { versions, maxFragmentLength: 1024 },
        check: async ({ conn, h }) => {
          await echo(conn, h, 'abcdefghij'.repeat(300));
        },
      }),
    ),
    serverCase('max_fragment_length 1024 from s_client -maxfraglen', {
      args: ['-maxfraglen', '1024'],
      check: async ({ conn, h, cli }) => {
        const line = 'klmnopqrst'.repeat(300);
        conn.write(new TextEncoder().encode(`${line}\n`));
        h.flush();
        await waitFor(() => cli.output.includes(line) || h.error, T, 'long line at s_client');
        if (h.error) throw h.error;
      },
    }),
    serverCase('middlebox compatibility mode (s_client default)', {}),
    {
      name: 'client external PSK against s_server -psk',
      run: async (env) => {
        const key = '0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20';
        const port = await freePort();
        const srv = await spawnOpenssl(
          [
            's_server',
            '-accept',
            String(port),
            '-tls1_3',
            '-nocert',
            '-psk',
            key,
            '-psk_identity',
            'alice',
            '-rev',
            '-ciphersuites',
            'TLS_AES_128_GCM_SHA256',
          ],
          { ready: 'ACCEPT' },
        );
        const { conn, h, sock } = await ourClient(env, port, {
          externalPsk: { identity: new TextEncoder().encode('alice'), key: new Uint8Array(Buffer.from(key, 'hex')) },
        });
        try {
          if (!h.complete.resumed) throw new Error('PSK not used');
          await echo(conn, h);
        } finally {
          finish(conn, h, sock, srv);
        }
      },
    },
    serverCase('external PSK from s_client -psk', {
      args: [
        '-psk',
        '0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20',
        '-psk_identity',
        'bob',
        '-ciphersuites',
        'TLS_AES_128_GCM_SHA256',
      ],
      config: {
        userLookupFun: (id) =>
          new TextDecoder().decode(id) === 'bob'
            ? new Uint8Array(Buffer.from('0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20', 'hex'))
            : undefined,
      },
      noVerify: true,
      check: ({ h }) => {
        if (!h.complete.resumed) throw new Error('PSK not used');
      },
    }),
    clientCase('ALPN', ALPN_CLIENT),
    serverCase('ALPN', ALPN_SERVER),
    {
      name: 'client SNI selects the second certificate',
      run: async (env) => {
        const other = env.creds.other;
        const { port, srv } = await withServer(env, {
          args: ['-servername', 'other.example', '-cert2', other.certPath, '-key2', other.keyPath],
        });
        const { conn, h, sock } = await ourClient(env, port, {
          serverName: 'other.example',
          pinnedCertificate: other.der,
        });
        try {
          await echo(conn, h);
        } finally {
          finish(conn, h, sock, srv);
        }
      },
    },
    serverCase('SNI via sniHosts', {
      args: (env) => ['-servername', 'other.example', '-CAfile', env.creds.other.certPath],
      config: (env) => ({
        sniHosts: {
          'other.example': { certificateChain: [env.creds.other.der], privateKey: env.creds.other.privateKey },
        },
      }),
      check: ({ h }) => {
        if (h.complete.serverName !== 'other.example') throw new Error('sni');
      },
    }),
    clientCase('client certificate', {
      args: (env) => ['-Verify', '1', '-CAfile', env.creds.client.certPath],
      config: (env) => ({ certificateChain: [env.creds.client.der], privateKey: env.creds.client.privateKey }),
    }),
    serverCase('client certificate required', {
      args: (env) => ['-cert', env.creds.client.certPath, '-key', env.creds.client.keyPath],
      config: (env) => ({ verifyPeer: true, failIfNoPeerCert: true, pinnedCertificate: env.creds.client.der }),
      check: ({ h }) => {
        if (h.complete.peerCertificates.length !== 1) throw new Error('no client certificate');
      },
    }),
    clientCase('KeyUpdate (update_requested)', {
      check: async ({ conn, h }) => {
        conn.keyUpdate(true);
        h.flush();
        await echo(conn, h, 'after-update');
        await waitFor(
          () => h.events.some((e) => e.type === 'keyUpdate' && e.direction === 'read'),
          T,
          'peer KeyUpdate',
        );
      },
    }),
    serverCase('KeyUpdate (update_requested)', {
      check: async ({ conn, h, cli }) => {
        conn.keyUpdate(true);
        conn.write(new TextEncoder().encode('second\n'));
        h.flush();
        await waitFor(() => cli.output.includes('second'), T, 'data after KeyUpdate');
        cli.stdin.write('ping2\n');
        await waitFor(() => h.data.includes('ping2'), T, 'data under updated keys');
        if (!h.events.some((e) => e.type === 'keyUpdate' && e.direction === 'read'))
          throw new Error('s_client did not answer');
      },
    }),
    {
      name: 'client resumption with a ticket',
      run: async (env) => {
        const { port, srv, cert } = await withServer(env, {});
        const first = await ourClient(env, port, { pinnedCertificate: cert.der });
        await echo(first.conn, first.h);
        await waitFor(() => first.h.tickets.length > 0, T, 'ticket');
        finish(first.conn, first.h, first.sock);
        const second = await ourClient(env, port, { pinnedCertificate: cert.der, session: first.h.tickets[0] });
        try {
          await echo(second.conn, second.h);
          if (!second.h.complete.resumed) throw new Error('not resumed');
        } finally {
          finish(second.conn, second.h, second.sock, srv);
        }
      },
    },
    {
      name: 'client 0-RTT early data',
      run: async (env) => {
        const { port, srv, cert } = await withServer(env, { args: ['-early_data'], rev: false });
        const first = await ourClient(env, port, { pinnedCertificate: cert.der });
        await waitFor(() => first.h.tickets.length > 0, T, 'ticket');
        finish(first.conn, first.h, first.sock);
        const session = first.h.tickets.find((t) => t.maxEarlyDataSize > 0);
        if (session === undefined) throw new Error('no ticket allows early data');
        const early = new TextEncoder().encode('early-bird\n');
        const second = await ourClient(env, port, { pinnedCertificate: cert.der, session, earlyData: early });
        try {
          if (!second.h.events.some((e) => e.type === 'earlyData' && e.accepted))
            throw new Error('early data rejected');
          await waitFor(() => srv.output.includes('early-bird'), T, 'early data at s_server');
        } finally {
          finish(second.conn, second.h, second.sock, srv);
        }
      },
    },
    {
      name: 'server resumption and 0-RTT from s_client',
      run: async (env) => {
        const c = env.creds.p256;
        const sess = writeTemp(env.creds, `sess-${Date.now()}.pem`, '');
        const earlyFile = writeTemp(env.creds, 'early.txt', 'early-ping\n');
        const config = {
          provider: env.provider,
          certificateChain: [c.der],
          privateKey: c.privateKey,
          ticketKeys: [env.ticketKey],
          maxEarlyDataSize: 16384,
          earlyDataReplay: new Set(),
        };
        const run = async (extra) => {
          const { certificateChain: _chain, privateKey: _key, ...rest } = config;
          const args = ['-tls1_3', '-CAfile', c.certPath, '-servername', 'localhost', ...extra];
          return serveOpensslClient(env, { config: rest, args });
        };
        const one = await run(['-sess_out', sess]);
        await waitFor(() => one.h.complete || one.h.error, T, 'first handshake');
        one.conn.write(new TextEncoder().encode('pong\n'));
        one.h.flush();
        await waitFor(() => one.cli.output.includes('pong'), T, 'pong at s_client');
        // s_client writes the session file when the NewSessionTicket arrives.
        await waitFor(() => readFileSync(sess, 'utf8').includes('BEGIN SSL SESSION'), T, 'session file');
        await new Promise((r) => setTimeout(r, 100));
        finish(one.conn, one.h, one.sock, one.cli);
        const two = await run(['-sess_in', sess, '-early_data', earlyFile]);
        try {
          await waitFor(() => two.h.complete || two.h.error, T, 'resumed handshake');
          if (two.h.error) throw two.h.error;
          if (!two.h.complete.resumed) throw new Error('not resumed');
          await waitFor(() => two.h.data.includes('early-ping'), T, 'early data');
          await waitFor(() => two.cli.output.includes('Reused, TLSv1.3'), T, 'Reused at s_client');
          if (!two.cli.output.includes('Early data was accepted')) throw new Error('s_client says early data rejected');
        } finally {
          finish(two.conn, two.h, two.sock, two.cli);
        }
      },
    },
  ];
}

/** Generates every credential the cases need. */
export function setupCredentials(makeCredentials) {
  const main = makeCredentials(['rsa', 'rsa-pss', 'p256', 'p384', 'p521', 'ed25519', 'ed448']);
  const other = makeCredentials(['p256'], 'other.example');
  const client = makeCredentials(['p256'], 'client.example');
  return { ...main, other: other.p256, client: client.p256, dirs: [main, other, client] };
}
