// Interop with tlslite-ng (pure Python; tlsfuzzer's TLS library) on RFC 8879 certificate
// compression: its `scripts/tls.py` server and client against our engine, zlib and brotli, each
// case compressing both certificates (the server's, and the client's answering a
// CertificateRequest). Asserted on tlslite's own report lines ("Server compression algorithm used:
// zlib", "Client compression algorithm used: zlib") and on our side's successful handshake.
//
// Where tlslite-ng comes from: it is in neither Debian nor the npm registry, so nothing is vendored.
// The cases look for a tlslite-ng source tree (with scripts/tls.py and tlslite/) in
// $SSLSOCKET_TLSLITE, else in node_modules/.cache/sslsocket-tlslite-ng: put a checkout or any recent
// snapshot of the tlsfuzzer/tlslite-ng repository there (a git clone of it, or its archive unpacked).
// It runs on a Python 3 with Debian's python3-ecdsa, and
// python3-brotli for the brotli cases (`.ci/run` installs both). `npm test` skips the cases with
// the reason when any of this is missing; `npm run interop` counts them as failures.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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

const CACHE = fileURLToPath(new URL('../node_modules/.cache/sslsocket-tlslite-ng', import.meta.url));

function canImport(python, dir, modules) {
  try {
    execFileSync(python, ['-c', `import ${modules.join(', ')}`], {
      stdio: 'ignore',
      timeout: 20000,
      env: { ...process.env, PYTHONPATH: dir },
    });
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds tlslite-ng and a Python that runs it (see the header).
 * @returns {{ dir?: string, python?: string, brotli: boolean, why?: string }}
 */
export function findTlslite() {
  const dir = process.env.SSLSOCKET_TLSLITE || CACHE;
  if (!existsSync(`${dir}/scripts/tls.py`) || !existsSync(`${dir}/tlslite/__init__.py`)) {
    return {
      brotli: false,
      why: `no tlslite-ng source tree in ${dir}: set SSLSOCKET_TLSLITE or clone tlsfuzzer/tlslite-ng there`,
    };
  }
  // Debian's python3-ecdsa serves /usr/bin/python3, which may not be the first python3 on PATH.
  for (const python of ['/usr/bin/python3', 'python3']) {
    if (canImport(python, dir, ['ecdsa', 'tlslite'])) {
      return { dir, python, brotli: canImport(python, dir, ['brotli']) };
    }
  }
  return { brotli: false, why: 'no python3 with the ecdsa module (Debian python3-ecdsa) runs tlslite-ng' };
}

/** tlslite's report must name `algorithm` for both certificates. */
function expectReport(output, algorithm) {
  for (const who of ['Server', 'Client']) {
    const line = `${who} compression algorithm used: ${algorithm}`;
    if (!output.includes(line)) throw new Error(`tlslite did not report "${line}": ${output.slice(-600)}`);
  }
}

/** Connects, retrying while the peer is still binding its port. */
async function connectWhenListening(port) {
  const start = Date.now();
  for (;;) {
    try {
      return await connectTo(port);
    } catch (e) {
      if (Date.now() - start > CASE_WAIT) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Our client (offering only `algorithm`, with a client certificate) against `tls.py server --reqcert --echo`. */
async function tlsliteServer(env, found, algorithm, provider) {
  const c = env.creds.p256;
  const me = env.creds.client;
  const port = await freePort();
  const srv = await spawnPeer(
    found.python,
    ['-u', `${found.dir}/scripts/tls.py`, 'server', '-c', c.certPath, '-k', c.keyPath, '--reqcert', '--echo'].concat(
      `localhost:${port}`,
    ),
    { env: { PYTHONPATH: found.dir } },
  );
  const sock = await connectWhenListening(port);
  const conn = new env.lib.ClientConnection({
    provider,
    serverName: 'localhost',
    pinnedCertificate: c.der,
    versions: ['tlsv1.3'],
    certificateChain: [me.der],
    privateKey: me.privateKey,
    certificateCompression: [algorithm],
  });
  const h = attach(conn, sock);
  try {
    await conn.start();
    h.flush();
    await handshakeOf(h);
    conn.write(new TextEncoder().encode('hello\n'));
    h.flush();
    await receivedOf(h, 'hello', 'echo');
    await waitFor(() => srv.output.includes('Client compression algorithm used'), CASE_WAIT, 'tlslite report');
    expectReport(srv.output, algorithm);
  } finally {
    finish(conn, h, sock, srv);
  }
}

/** `tls.py client` with a client certificate against our server (asking for one, offering `algorithm`). */
async function tlsliteClient(env, found, algorithm, provider) {
  const c = env.creds.p256;
  const peerCert = env.creds.client;
  const l = await listenOnce();
  const conn = new env.lib.ServerConnection({
    provider,
    certificateChain: [c.der],
    privateKey: c.privateKey,
    versions: ['tlsv1.3'],
    verifyPeer: true,
    pinnedCertificate: peerCert.der,
    certificateCompression: [algorithm],
  });
  const cli = await spawnPeer(
    found.python,
    ['-u', `${found.dir}/scripts/tls.py`, 'client', '-c', peerCert.certPath, '-k', peerCert.keyPath].concat(
      `localhost:${l.port}`,
    ),
    { env: { PYTHONPATH: found.dir } },
  );
  const { sock, h } = await attachAccepted(conn, l);
  try {
    await handshakeOf(h);
    await receivedOf(h, 'GET /', 'request');
    conn.write(new TextEncoder().encode('HTTP/1.0 200 ok\r\n\r\ncompressed\n'));
    conn.close();
    h.flush();
    await waitFor(() => cli.output.includes('Client compression algorithm used'), CASE_WAIT, 'tlslite report');
    expectReport(cli.output, algorithm);
  } finally {
    finish(conn, h, sock, cli);
  }
}

/**
 * The cases: tlslite-ng as server and as client, zlib and brotli on the node provider (node:zlib),
 * and zlib on noble (fflate).
 */
export function tlsliteCases(found) {
  const cases = [];
  for (const [algorithm, which] of [
    ['zlib', 'node'],
    ['brotli', 'node'],
    ['zlib', 'noble'],
  ]) {
    const provider = (env) => (which === 'node' ? (env.productProvider ?? env.provider) : env.provider);
    const ready = () => {
      if (found.dir === undefined) throw new Error(found.why);
      if (algorithm === 'brotli' && !found.brotli) {
        throw new Error(`${found.python} has no brotli module (Debian python3-brotli)`);
      }
    };
    cases.push({
      name: `tlslite server certificate compression ${algorithm} (${which})`,
      run: async (env) => {
        ready();
        await tlsliteServer(env, found, algorithm, provider(env));
      },
    });
    cases.push({
      name: `tlslite client certificate compression ${algorithm} (${which})`,
      run: async (env) => {
        ready();
        await tlsliteClient(env, found, algorithm, provider(env));
      },
    });
  }
  return cases;
}
