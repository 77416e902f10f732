// Interop beside OpenSSL: GnuTLS (gnutls-cli / gnutls-serv) and Python's ssl module, each against our
// engine as client and as server, TLS 1.3 and TLS 1.2, the latter with and without RFC 7627
// extended master secret on the peer's side (GnuTLS %NO_SESSION_HASH, SSL_OP_NO_EXTENDED_MASTER_SECRET).
import { execFileSync } from 'node:child_process';
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

const PYTHON_PEER = fileURLToPath(new URL('./peers/python_peer.py', import.meta.url));

/** Whether a peer program runs here (cases are skipped, not failed, when it is missing). */
export function hasProgram(command, args = ['--version']) {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 10000 });
    return true;
  } catch {
    return false;
  }
}

/** The peer variants: version, and whether the peer uses EMS (TLS 1.2 only). */
const VARIANTS = [
  { label: 'TLS 1.3', version: 'tlsv1.3', ems: true },
  { label: 'TLS 1.2 with EMS', version: 'tlsv1.2', ems: true },
  { label: 'TLS 1.2 without EMS', version: 'tlsv1.2', ems: false },
];

function gnutlsPriority(v) {
  const version = v.version === 'tlsv1.3' ? '+VERS-TLS1.3' : '+VERS-TLS1.2';
  return `NORMAL:-VERS-ALL:${version}${v.ems ? '' : ':%NO_SESSION_HASH'}`;
}

/** Checks what our side negotiated against the variant. */
function checkParameters(h, v) {
  if (h.complete.version !== v.version) throw new Error(`version ${h.complete.version}, want ${v.version}`);
  if (v.version === 'tlsv1.2' && h.complete.extendedMasterSecret !== v.ems)
    throw new Error(`extendedMasterSecret ${h.complete.extendedMasterSecret}, want ${v.ems}`);
}

/** Our engine server; the peer client (spawned by `startPeer(port)`) sends "hello\n", we answer. */
async function ourServerAgainst(env, v, startPeer) {
  const c = env.creds.p256;
  const l = await listenOnce();
  const conn = new env.lib.ServerConnection({
    provider: env.provider,
    certificateChain: [c.der],
    privateKey: c.privateKey,
    versions: [v.version],
  });
  const peer = await startPeer(l.port, c);
  const { sock, h } = await attachAccepted(conn, l);
  try {
    await handshakeOf(h);
    checkParameters(h, v);
    await receivedOf(h, 'hello', 'data from the peer');
    conn.write(new TextEncoder().encode('hello\n'));
    h.flush();
    await waitFor(() => peer.output.includes('hello') || h.error, CASE_WAIT, 'our answer at the peer');
  } finally {
    finish(conn, h, sock, peer);
  }
}

/** Our engine client against a peer server on `port` that echoes a line. */
async function ourClientAgainst(env, v, port, peer) {
  const sock = await connectTo(port);
  const conn = new env.lib.ClientConnection({
    provider: env.provider,
    serverName: 'localhost',
    pinnedCertificate: env.creds.p256.der,
    versions: [v.version],
  });
  const h = attach(conn, sock);
  try {
    await conn.start();
    h.flush();
    await handshakeOf(h);
    checkParameters(h, v);
    conn.write(new TextEncoder().encode('hello\n'));
    h.flush();
    await receivedOf(h, 'hello', 'echo');
  } finally {
    finish(conn, h, sock, peer);
  }
}

/** GnuTLS cases: gnutls-cli against our server, our client against gnutls-serv --echo. */
export function gnutlsCases() {
  const cases = [];
  for (const v of VARIANTS) {
    cases.push({
      name: `gnutls client ${v.label}`,
      run: (env) =>
        ourServerAgainst(env, v, (port, c) =>
          spawnPeer(
            'gnutls-cli',
            ['--port', String(port), '127.0.0.1', '--x509cafile', c.certPath, '--verify-hostname', 'localhost'].concat([
              '--priority',
              gnutlsPriority(v),
            ]),
            { stdin: 'hello\n' },
          ),
        ),
    });
    cases.push({
      name: `gnutls server ${v.label}`,
      run: async (env) => {
        const port = await freePort();
        const c = env.creds.p256;
        // gnutls-serv has no bind-address option: it listens on every interface; we connect to 127.0.0.1.
        const srv = await spawnPeer(
          'gnutls-serv',
          ['--port', String(port), '--x509certfile', c.certPath, '--x509keyfile', c.keyPath, '--echo', '-a'].concat([
            '--priority',
            gnutlsPriority(v),
          ]),
          { ready: `port ${port}...done` },
        );
        await ourClientAgainst(env, v, port, srv);
      },
    });
  }
  return cases;
}

/** Python ssl cases: python_peer.py as client against our server, and as server for our client. */
export function pythonCases() {
  const cases = [];
  for (const v of VARIANTS) {
    const version = v.version === 'tlsv1.3' ? '1.3' : '1.2';
    const ems = v.ems ? 'on' : 'off';
    cases.push({
      name: `python client ${v.label}`,
      run: (env) =>
        ourServerAgainst(env, v, (port, c) =>
          spawnPeer('python3', [PYTHON_PEER, 'client', String(port), c.certPath, version, ems]),
        ),
    });
    cases.push({
      name: `python server ${v.label}`,
      run: async (env) => {
        const port = await freePort();
        const c = env.creds.p256;
        const srv = await spawnPeer(
          'python3',
          [PYTHON_PEER, 'server', String(port), c.certPath, c.keyPath, version, ems],
          {
            ready: 'READY',
          },
        );
        await ourClientAgainst(env, v, port, srv);
      },
    });
  }
  return cases;
}
