// `node interop/api/run.mjs [filter] [--provider noble|node|webcrypto]` (after `npm run build`):
// TLS 1.3 interop through the public sslsocket API (connect / listen / accept, not the engine
// driver) against openssl 3, wider than packages/sslsocket/src/openssl-api.test.ts: every suite ×
// group × signature scheme, in both directions. One line per case, then
// `interop-api: N passed, M failed`.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearSessions, connect, listen } from '../../packages/sslsocket/dist/index.js';

const argv = process.argv.slice(2);
const providerAt = argv.indexOf('--provider');
const provider = providerAt === -1 ? undefined : argv[providerAt + 1];
const filter = argv.find((arg, i) => !arg.startsWith('--') && (providerAt === -1 || i !== providerAt + 1));
const CASE_TIMEOUT = 10000;

const dir = mkdtempSync(join(tmpdir(), 'interop-api-'));
const file = (name) => join(dir, name);
const args = (line) => line.split(' ');
const openssl = (...list) => execFileSync('openssl', list, { stdio: ['ignore', 'ignore', 'pipe'] });

const KEY_TYPES = {
  rsa: '-newkey rsa:2048',
  'rsa-pss': '-newkey rsa-pss -pkeyopt rsa_keygen_bits:2048',
  p256: '-newkey ec -pkeyopt ec_paramgen_curve:P-256',
  p384: '-newkey ec -pkeyopt ec_paramgen_curve:P-384',
  p521: '-newkey ec -pkeyopt ec_paramgen_curve:P-521',
  ed25519: '-newkey ed25519',
  ed448: '-newkey ed448',
};
const SUITES = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_CCM_SHA256',
  'TLS_AES_128_CCM_8_SHA256',
];
const GROUPS = [
  ['x25519', 'X25519'],
  ['x448', 'X448'],
  ['secp256r1', 'P-256'],
  ['secp384r1', 'P-384'],
  ['secp521r1', 'P-521'],
  ['ffdhe2048', 'ffdhe2048'],
  ['ffdhe3072', 'ffdhe3072'],
  ['ffdhe4096', 'ffdhe4096'],
];
const SCHEMES = [
  ['p256', 'ecdsa_secp256r1_sha256'],
  ['p384', 'ecdsa_secp384r1_sha384'],
  ['p521', 'ecdsa_secp521r1_sha512'],
  ['rsa', 'rsa_pss_rsae_sha256'],
  ['rsa', 'rsa_pss_rsae_sha384'],
  ['rsa', 'rsa_pss_rsae_sha512'],
  ['rsa-pss', 'rsa_pss_pss_sha256'],
  ['ed25519', 'ed25519'],
  ['ed448', 'ed448'],
];

function makeCredentials() {
  openssl(
    ...args(`req -x509 ${KEY_TYPES.p256} -nodes -keyout ${file('ca.key')} -out ${file('ca.pem')} -days 2`),
    '-subj',
    '/CN=interop CA',
  );
  for (const [label, spec] of Object.entries(KEY_TYPES)) {
    openssl(
      ...args(`req -x509 ${spec} -nodes -keyout ${file(`${label}.key`)} -out ${file(`${label}.pem`)} -days 2`),
      ...args('-subj /CN=server.test -addext subjectAltName=DNS:server.test'),
      ...args(`-addext basicConstraints=critical,CA:FALSE -CA ${file('ca.pem')} -CAkey ${file('ca.key')}`),
      ...args('-addext extendedKeyUsage=serverAuth,clientAuth'),
    );
  }
}

const pem = (label) => readFileSync(file(`${label}.pem`), 'utf8');
const keyPem = (label) => readFileSync(file(`${label}.key`), 'utf8');

/** An openssl child with its output, a wait for text in it, and stdin lines. */
function start(list) {
  const child = spawn('openssl', list, { stdio: ['pipe', 'pipe', 'pipe'] });
  const proc = { child, output: '' };
  const collect = (chunk) => {
    proc.output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  child.stdin.on('error', () => undefined);
  proc.exited = new Promise((resolve) => child.once('exit', resolve));
  proc.waitFor = async (pattern) => {
    for (;;) {
      const found = typeof pattern === 'string' ? proc.output.includes(pattern) : proc.output.match(pattern);
      if (found) return found;
      if (child.exitCode !== null) throw new Error(`openssl exited; no ${pattern} in:\n${proc.output.slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  proc.stop = async () => {
    child.kill('SIGKILL');
    await proc.exited;
  };
  return proc;
}

let serial = 0;
async function exchange(socket, peer) {
  serial += 1;
  await socket.send(`from-sslsocket-${serial}\n`);
  await peer.waitFor(`from-sslsocket-${serial}`);
  peer.child.stdin.write(`from-openssl-${serial}\n`);
  let received = '';
  while (!received.includes(`from-openssl-${serial}`)) received += new TextDecoder().decode(await socket.recv(0, 5000));
}

function expectEqual(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${expected}, got ${actual}`);
}

const common = provider === undefined ? {} : { provider };

/** connect() against s_server. */
async function clientCase(suite, [group, opensslGroup], [leaf, scheme]) {
  const server = start([
    ...args(`s_server -accept 127.0.0.1:0 -tls1_3 -cert ${file(`${leaf}.pem`)} -key ${file(`${leaf}.key`)}`),
    ...args(`-ciphersuites ${suite} -groups ${opensslGroup} -sigalgs ${scheme}`),
  ]);
  try {
    const port = Number((await server.waitFor(/ACCEPT 127\.0\.0\.1:(\d+)/))[1]);
    const socket = await connect('127.0.0.1', port, {
      ...common,
      cacerts: [pem('ca')],
      serverNameIndication: 'server.test',
      ciphers: [suite],
      eccs: [group],
      signatureAlgs: [scheme],
      signatureAlgsCert: ['ecdsa_secp256r1_sha256'],
      reuseSessions: false,
      handshakeTimeoutMs: 5000,
    });
    const info = socket.connectionInformation();
    expectEqual(info.selectedCipherSuite, suite, 'suite');
    expectEqual(info.negotiatedGroup, group, 'group');
    expectEqual(info.signatureScheme, scheme, 'signature scheme');
    await exchange(socket, server);
    await socket.close();
  } finally {
    await server.stop();
  }
}

/** s_client against listen() / accept(). */
async function serverCase(suite, [group, opensslGroup], [leaf, scheme]) {
  const listener = await listen(0, {
    ...common,
    host: '127.0.0.1',
    cert: pem(leaf),
    key: keyPem(leaf),
    ciphers: [suite],
    eccs: [group],
  });
  const client = start([
    ...args(`s_client -connect 127.0.0.1:${listener.address.port} -tls1_3 -servername server.test`),
    ...args(`-CAfile ${file('ca.pem')} -verify_return_error -verify_hostname server.test`),
    ...args(`-ciphersuites ${suite} -groups ${opensslGroup} -sigalgs ${scheme}`),
  ]);
  try {
    const socket = await listener.accept();
    const info = socket.connectionInformation();
    expectEqual(info.selectedCipherSuite, suite, 'suite');
    expectEqual(info.negotiatedGroup, group, 'group');
    await exchange(socket, client);
    await client.waitFor('Verify return code: 0 (ok)');
    await socket.close();
  } finally {
    await client.stop();
    await listener.close();
  }
}

makeCredentials();
const cases = [];
for (const suite of SUITES) {
  for (const group of GROUPS) {
    for (const scheme of SCHEMES) {
      const label = `${suite} ${group[0]} ${scheme[1]}`;
      cases.push([`client ${label}`, () => clientCase(suite, group, scheme)]);
      cases.push([`server ${label}`, () => serverCase(suite, group, scheme)]);
    }
  }
}

let passed = 0;
let failed = 0;
const started = Date.now();
for (const [name, run] of cases.filter(([name]) => filter === undefined || name.includes(filter))) {
  const begin = Date.now();
  let timer;
  try {
    await Promise.race([
      run(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${CASE_TIMEOUT} ms`)), CASE_TIMEOUT);
      }),
    ]);
    passed += 1;
    console.log(`ok   ${name} (${Date.now() - begin} ms)`);
  } catch (error) {
    failed += 1;
    console.log(`FAIL ${name}: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    clearTimeout(timer);
    clearSessions();
  }
}
rmSync(dir, { recursive: true, force: true });
console.log(`interop-api: ${passed} passed, ${failed} failed (${((Date.now() - started) / 1000).toFixed(1)} s)`);
process.exit(failed === 0 ? 0 : 1);
