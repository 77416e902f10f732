// DTLS 1.2 session resumption interop (issue #18, RFC 5246 §7.3 abbreviated handshake over RFC 6347):
// our client resumes with `openssl s_server -dtls1_2` (which prints "Reused session-id"), and our
// server lets `openssl s_client -dtls1_2 -sess_in` resume the session an earlier `-sess_out` saved
// (s_client prints "Reused, TLSv1.2").

import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CASE_WAIT, spawnPeer, waitFor } from './driver.mjs';
import { drive, freeUdpPort } from './dtls.mjs';

const SUITE = 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256';
const OPENSSL_SUITE = 'ECDHE-ECDSA-AES128-GCM-SHA256';

async function bound() {
  const socket = createSocket('udp4');
  await new Promise((r) => socket.bind(0, '127.0.0.1', r));
  return socket;
}

async function completed(h) {
  await waitFor(() => h.complete || h.error, CASE_WAIT, 'DTLS handshake');
  if (h.error) throw h.error;
  return h.complete;
}

/** Our client, twice against one s_server: a full handshake, then one resuming its session. */
async function ourClientResumes(env) {
  const c = env.creds.p256;
  const port = await freeUdpPort();
  const peer = await spawnPeer(
    'openssl',
    ['s_server', '-dtls1_2', '-accept', String(port), '-cert', c.certPath, '-key', c.keyPath, '-cipher', OPENSSL_SUITE],
    { ready: 'ACCEPT' },
  );
  const connect = async (session) => {
    const h = drive(
      await bound(),
      () =>
        new env.dtls.DtlsConnection(
          {
            provider: env.provider,
            serverName: 'localhost',
            pinnedCertificate: c.der,
            cipherSuites: [SUITE],
            retransmitInitial: 300,
            ...(session === undefined ? {} : { session }),
          },
          'client',
        ),
      { address: '127.0.0.1', port },
    );
    h.start();
    return h;
  };
  try {
    const first = await connect(undefined);
    const p1 = await completed(first);
    if (p1.resumed) throw new Error('the first handshake claims to resume');
    const session = first.session;
    if (session === undefined) throw new Error('s_server gave no session id');
    // close_notify first, so s_server ends this association before the next one starts.
    first.conn.close();
    first.pump();
    await waitFor(() => peer.output.includes('DONE'), CASE_WAIT, 's_server ending the association');
    // s_server shuts the association down and goes back to accepting after printing DONE.
    await new Promise((r) => setTimeout(r, 200));
    first.stop();
    const second = await connect(session);
    try {
      const p2 = await completed(second);
      if (!p2.resumed) throw new Error('the second handshake did not resume');
      await waitFor(() => peer.output.includes('Reused session-id'), CASE_WAIT, 's_server "Reused session-id"');
    } finally {
      second.stop();
    }
  } finally {
    peer.kill('SIGKILL');
  }
}

/**
 * One UDP socket, one DtlsConnection per peer address (each s_client process has its own port):
 * returns the per-peer drivers in arrival order.
 */
function demux(socket, makeConn) {
  const peers = new Map();
  const list = [];
  socket.on('message', (m, rinfo) => {
    const key = `${rinfo.address}:${rinfo.port}`;
    let fake = peers.get(key);
    if (fake === undefined) {
      const listeners = [];
      fake = {
        on: (_event, fn) => listeners.push(fn),
        send: (d, port, address) => socket.send(d, port, address),
        close: () => undefined,
        emit: (msg, info) => {
          for (const fn of listeners) fn(msg, info);
        },
      };
      peers.set(key, fake);
      list.push(drive(fake, makeConn));
    }
    fake.emit(m, rinfo);
  });
  return list;
}

/** Our server: s_client -sess_out saves the session, a second s_client -sess_in resumes it. */
async function ourServerResumes(env) {
  const c = env.creds.p256;
  const dir = mkdtempSync(join(tmpdir(), 'dtls-sess-'));
  const sessFile = join(dir, 'session.pem');
  const socket = await bound();
  const port = socket.address().port;
  const cache = new env.lib.ServerSessionCache();
  const conns = demux(
    socket,
    (peerAddress) =>
      new env.dtls.DtlsConnection(
        {
          provider: env.provider,
          certificateChain: [c.der],
          privateKey: c.privateKey,
          cipherSuites: [SUITE],
          retransmitInitial: 300,
          peerAddress,
          sessionCache: cache,
        },
        'server',
      ),
  );
  const client = (args) =>
    spawnPeer('openssl', ['s_client', '-dtls1_2', '-connect', `127.0.0.1:${port}`, '-cipher', OPENSSL_SUITE, ...args], {
      stdin: 'hello from peer\n',
    });
  const peers = [];
  try {
    peers.push(await client(['-sess_out', sessFile]));
    await waitFor(() => conns[0]?.complete || conns[0]?.error, CASE_WAIT, 'first handshake');
    if (conns[0].error) throw conns[0].error;
    if (conns[0].complete.resumed) throw new Error('the first handshake claims to resume');
    await waitFor(
      () => existsSync(sessFile) && peers[0].output.includes('Session-ID'),
      CASE_WAIT,
      's_client -sess_out',
    );
    peers.push(await client(['-sess_in', sessFile]));
    await waitFor(() => conns[1]?.complete || conns[1]?.error, CASE_WAIT, 'second handshake');
    if (conns[1].error) throw conns[1].error;
    if (!conns[1].complete.resumed) throw new Error('our server did not resume the session');
    await waitFor(() => peers[1].output.includes('Reused, TLSv1.2'), CASE_WAIT, 's_client "Reused, TLSv1.2"');
  } finally {
    for (const h of conns) {
      clearTimeout(h.timer);
    }
    socket.close();
    for (const p of peers) p.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

export function dtlsResumeCases() {
  return [
    { name: 'dtls client resumes a session id (openssl s_server, "Reused session-id")', run: ourClientResumes },
    { name: 'dtls server resumes a session id (openssl s_client -sess_out/-sess_in, "Reused")', run: ourServerResumes },
  ];
}
