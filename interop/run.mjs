// `npm run interop`: every case against openssl, GnuTLS, Python's ssl, Node 24's node:tls and tlslite-ng,
// on the built dist. Prints one line per case and ends with `interop: N passed, M failed`.
// The `redis node:cluster` cases (redis-cluster.mjs) run a two-worker node:cluster server on a real redis-server.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DtlsConnection } from '../packages/dtls/dist/index.js';
import { ClientConnection, ServerConnection, ServerSessionCache } from '../packages/handshake/dist/index.js';
import { ALL_CIPHER_SUITES, nobleProvider } from '../packages/suites/dist/index.js';
import { featureCases, matrixCases, productCases, setupCredentials } from './cases.mjs';
import { featureCases12, matrixCases12, productCases12 } from './cases12.mjs';
import { crlDownloadCases } from './crl-download.mjs';
import { killAll, makeCredentials, removeCredentials, setTranscriptCase } from './driver.mjs';
import { dtlsGnutlsCases, dtlsOpensslCases } from './dtls.mjs';
import { dtlsCliCases } from './dtls-cli.mjs';
import { dtlsResumeCases } from './dtls-resume.mjs';
import { findNode24, node24Cases } from './node24.mjs';
import { gnutlsCases, hasProgram, pythonCases } from './peers.mjs';
import { redisClusterCases } from './redis-cluster.mjs';
import { rpkCases } from './rpk.mjs';
import { findTlslite, tlsliteCases } from './tlslite.mjs';

const CASE_TIMEOUT = 30000;
const filter = process.argv[2];
const creds = setupCredentials(makeCredentials);
let productProvider;
try {
  ({ nodeProvider: productProvider } = await import('../packages/provider-node/dist/index.js'));
} catch {
  productProvider = undefined;
}
const env = {
  lib: { ClientConnection, ServerConnection, ServerSessionCache },
  dtls: { DtlsConnection },
  provider: nobleProvider,
  productProvider,
  creds,
  ticketKey: nobleProvider.randomBytes(32),
  verifyCli: (argv) => sslsocketCli(['verify', ...argv]),
};
/** Runs the built `sslsocket` command; resolves to its first stdout line whatever the exit code. */
function sslsocketCli(argv) {
  const bin = fileURLToPath(new URL('../packages/cli/bin/sslsocket.js', import.meta.url));
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...argv], (_error, stdout) => resolve(String(stdout).split('\n')[0]));
  });
}
/** GnuTLS and Python peers, when installed (a missing program is reported, not counted). */
function peerCases() {
  const out = [];
  for (const [name, present, cases] of [
    ['gnutls-cli/gnutls-serv', hasProgram('gnutls-cli') && hasProgram('gnutls-serv'), gnutlsCases],
    ['gnutls-cli/gnutls-serv --udp', hasProgram('gnutls-cli') && hasProgram('gnutls-serv'), dtlsGnutlsCases],
    ['gnutls-cli/gnutls-serv (raw public keys)', hasProgram('gnutls-cli') && hasProgram('gnutls-serv'), rpkCases],
    ['python3', hasProgram('python3'), pythonCases],
  ]) {
    if (present) out.push(...cases());
    else console.log(`skip ${name} cases: not installed`);
  }
  return out;
}
/** Node 24's node:tls on the ML-KEM groups: installed on demand here, so never skipped (a failure if absent). */
function nodeCases() {
  const { node, why } = findNode24({ install: true });
  if (node !== undefined) return node24Cases(node);
  return [{ name: 'node24 ML-KEM groups', run: () => Promise.reject(new Error(why)) }];
}
let passed = 0;
let failed = 0;
const cases = [
  ...matrixCases(),
  ...featureCases(),
  ...matrixCases12(ALL_CIPHER_SUITES),
  ...featureCases12(),
  ...productCases(),
  ...productCases12(ALL_CIPHER_SUITES),
  ...dtlsOpensslCases(),
  ...dtlsResumeCases(),
  ...dtlsCliCases(),
  ...peerCases(),
  ...redisClusterCases(),
  ...crlDownloadCases(),
  ...nodeCases(),
  // tlslite-ng on certificate compression: a missing tlslite-ng fails these cases, with how to get it.
  ...tlsliteCases(findTlslite()),
].filter((c) => filter === undefined || c.name.includes(filter));
for (const c of cases) {
  const start = Date.now();
  setTranscriptCase(c.name);
  let timer;
  try {
    await Promise.race([
      c.run(env),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('case timeout')), CASE_TIMEOUT);
      }),
    ]);
    passed++;
    console.log(`ok   ${c.name} (${Date.now() - start} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${c.name}: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    clearTimeout(timer);
    killAll();
  }
}
for (const d of creds.dirs) removeCredentials(d);
console.log(`interop: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
