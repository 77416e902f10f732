// DTLS 1.2 interop (issue #18): our DtlsConnection against `openssl s_server -dtls1_2` /
// `openssl s_client -dtls1_2` and `gnutls-serv --udp` / `gnutls-cli --udp`, both directions,
// ECDHE-ECDSA and ECDHE-RSA AEAD and CBC suites (CBC with and without RFC 7366 encrypt-then-MAC),
// a small MTU, use_srtp (RFC 5764) and exporters compared with what the peer prints (RFC 5705
// keying material).
import { createSocket } from 'node:dgram';
import { CASE_WAIT, spawnPeer, waitFor } from './driver.mjs';

const EXPORT_LABEL = 'EXPERIMENTAL-sslsocket-dtls';

/** A free UDP port on 127.0.0.1 (bound and released). */
export function freeUdpPort() {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.on('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * Runs a DtlsConnection over a UDP socket: sends its datagrams, sets the timers it requests,
 * collects its events. `makeConn(peer)` builds the connection (a server's on its first datagram).
 */
export function drive(socket, makeConn, remote) {
  const h = { data: '', complete: undefined, error: undefined, closed: false, conn: undefined, timer: undefined };
  let to = remote;
  const pump = () => {
    const conn = h.conn;
    for (const d of conn.takeDatagrams()) socket.send(d, to.port, to.address);
    for (const e of conn.takeEvents()) {
      if (e.type === 'timer') {
        clearTimeout(h.timer);
        if (e.delay !== undefined)
          h.timer = setTimeout(() => {
            conn.handleTimeout();
            pump();
          }, e.delay);
      } else if (e.type === 'handshakeComplete') h.complete = e.parameters;
      else if (e.type === 'data') h.data += Buffer.from(e.data).toString('latin1');
      else if (e.type === 'error') h.error = e.error;
      else if (e.type === 'closed') h.closed = true;
      else if (e.type === 'session') h.session = e.session;
    }
    conn.pending?.then(pump);
  };
  socket.on('message', (m, rinfo) => {
    if (h.conn === undefined) {
      to = { address: rinfo.address, port: rinfo.port };
      h.conn = makeConn(`${rinfo.address}:${rinfo.port}`);
    }
    h.conn.receive(new Uint8Array(m));
    pump();
  });
  h.start = () => {
    h.conn = makeConn();
    h.conn.start();
    pump();
  };
  h.pump = () => pump();
  h.write = (text) => {
    h.conn.write(new TextEncoder().encode(text));
    pump();
  };
  h.stop = () => {
    clearTimeout(h.timer);
    try {
      h.conn?.close();
      pump();
    } catch {}
    socket.close();
  };
  return h;
}

/** The hex keying material a peer printed (OpenSSL: "Keying material: HEX"; GnuTLS: "- Key material: HEX"). */
function printedKeyingMaterial(output) {
  const m = /Key(?:ing)? material: ([0-9A-Fa-f]+)/.exec(output);
  return m?.[1]?.toLowerCase();
}

function hex(bytes) {
  return Buffer.from(bytes).toString('hex');
}

/** Waits for our side's handshake and checks the suite and SRTP profile it agreed. */
async function handshakeDone(h, suite, srtp, etm) {
  await waitFor(() => h.complete || h.error, CASE_WAIT, 'DTLS handshake');
  if (h.error) throw h.error;
  if (h.complete.cipherSuite !== suite) throw new Error(`suite ${h.complete.cipherSuite}, want ${suite}`);
  if (srtp !== undefined && h.complete.srtpProfile !== srtp) throw new Error(`srtp ${h.complete.srtpProfile}`);
  // RFC 7366 with a CBC suite: encrypt-then-MAC unless the peer runs with -no_etm.
  if (etm !== undefined && h.complete.encryptThenMac !== etm) throw new Error(`encrypt_then_mac ${!etm}, want ${etm}`);
}

/** RFC 5705: our exporter output must equal what the peer printed for the same label. */
async function compareExporter(h, peer, exporter) {
  if (exporter === undefined) return;
  const ours = hex(h.conn.exportKeyingMaterial(exporter.label, undefined, exporter.length));
  await waitFor(() => printedKeyingMaterial(peer.output), CASE_WAIT, 'keying material from the peer');
  const theirs = printedKeyingMaterial(peer.output);
  if (theirs !== ours) throw new Error(`exporter ${ours} != peer's ${theirs}`);
}

/**
 * RFC 7301: both sides report the protocol; s_client prints "ALPN protocol: NAME", s_server
 * "ALPN protocols selected: NAME".
 */
async function compareAlpn(h, peer, alpn) {
  if (alpn === undefined) return;
  if (h.complete.alpn !== alpn) throw new Error(`our ALPN ${h.complete.alpn}, want ${alpn}`);
  await waitFor(
    () => peer.output.includes(`ALPN protocol: ${alpn}`) || peer.output.includes(`ALPN protocols selected: ${alpn}`),
    CASE_WAIT,
    `"ALPN protocol: ${alpn}" from the peer`,
  );
}

/** Our client against a peer server started by `startPeer(port, creds)`. */
/** The PSK of the PSK cases (RFC 4279), as the peers take it: `-psk` hex, identity "sslsocket". */
const PSK_HEX = '0123456789abcdef0123456789abcdef';
const PSK_IDENTITY = 'sslsocket';
const pskOptions = {
  pskIdentity: new TextEncoder().encode(PSK_IDENTITY),
  userLookupFun: () => Uint8Array.from(Buffer.from(PSK_HEX, 'hex')),
};

async function ourClient(
  env,
  { keyType, suite, mtu = 1200, srtp, exporter, startPeer, echo = false, psk = false, alpn, etm },
) {
  const c = env.creds[keyType];
  const port = await freeUdpPort();
  const peer = await startPeer(port, c);
  const socket = createSocket('udp4');
  await new Promise((r) => socket.bind(0, '127.0.0.1', r));
  const h = drive(
    socket,
    () =>
      new env.dtls.DtlsConnection(
        {
          provider: env.provider,
          serverName: 'localhost',
          pinnedCertificate: c.der,
          cipherSuites: [suite],
          mtu,
          retransmitInitial: 300,
          ...(srtp === undefined ? {} : { srtpProfiles: [srtp] }),
          ...(psk ? pskOptions : {}),
          ...(alpn === undefined ? {} : { alpn: [alpn] }),
        },
        'client',
      ),
    { address: '127.0.0.1', port },
  );
  try {
    h.start();
    await handshakeDone(h, suite, srtp, etm);
    // s_server's stdin is written only now: a line waiting at the handshake would make it skip
    // printing the connection's details (cipher, SRTP profile, keying material).
    if (!echo) peer.stdin.write('hello from peer\n');
    h.write('hello from sslsocket\n');
    // An echo server (gnutls-serv --echo) sends our line back; openssl s_server prints it and sends its stdin.
    const expected = echo ? 'hello from sslsocket' : 'hello from peer';
    if (!echo)
      await waitFor(() => peer.output.includes('hello from sslsocket') || h.error, CASE_WAIT, 'data at the peer');
    await waitFor(() => h.data.includes(expected) || h.error, CASE_WAIT, 'data from the peer');
    if (h.error) throw h.error;
    await compareExporter(h, peer, exporter);
    await compareAlpn(h, peer, alpn);
  } finally {
    h.stop();
    peer.kill('SIGKILL');
  }
}

/** Our server; the peer client (spawned by `startPeer(port)`) sends "hello from peer", we answer. */
async function ourServer(env, { keyType, suite, mtu = 1200, srtp, exporter, startPeer, psk = false, alpn, etm }) {
  const c = env.creds[keyType];
  const socket = createSocket('udp4');
  await new Promise((r) => socket.bind(0, '127.0.0.1', r));
  const port = socket.address().port;
  const h = drive(
    socket,
    (peerAddress) =>
      new env.dtls.DtlsConnection(
        {
          provider: env.provider,
          certificateChain: [c.der],
          privateKey: c.privateKey,
          cipherSuites: [suite],
          mtu,
          retransmitInitial: 300,
          peerAddress,
          ...(srtp === undefined ? {} : { srtpProfiles: [srtp] }),
          ...(psk ? pskOptions : {}),
          ...(alpn === undefined ? {} : { alpn: [alpn] }),
        },
        'server',
      ),
  );
  const peer = await startPeer(port, c);
  try {
    await handshakeDone(h, suite, srtp, etm);
    await waitFor(() => h.data.includes('hello from peer') || h.error, CASE_WAIT, 'data from the peer');
    h.write('hello from sslsocket\n');
    await waitFor(() => peer.output.includes('hello from sslsocket') || h.error, CASE_WAIT, 'data at the peer');
    if (h.error) throw h.error;
    await compareExporter(h, peer, exporter);
    await compareAlpn(h, peer, alpn);
  } finally {
    h.stop();
    peer.kill('SIGKILL');
  }
}

const OPENSSL_SRTP = {
  SRTP_AES128_CM_HMAC_SHA1_80: 'SRTP_AES128_CM_SHA1_80',
  SRTP_AEAD_AES_128_GCM: 'SRTP_AEAD_AES_128_GCM',
};

function opensslExtra({ mtu, srtp, exporter, psk, alpn, etm }) {
  return [
    ...(etm === false ? ['-no_etm'] : []),
    ...(alpn === undefined ? [] : ['-alpn', alpn]),
    ...(psk ? ['-psk', PSK_HEX, '-psk_identity', PSK_IDENTITY] : []),
    ...(mtu === undefined ? [] : ['-mtu', String(mtu)]),
    ...(srtp === undefined ? [] : ['-use_srtp', OPENSSL_SRTP[srtp]]),
    ...(exporter === undefined ? [] : ['-keymatexport', exporter.label, '-keymatexportlen', String(exporter.length)]),
  ];
}

const ECDSA_GCM = {
  keyType: 'p256',
  suite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  openssl: 'ECDHE-ECDSA-AES128-GCM-SHA256',
};
const RSA_GCM = {
  keyType: 'rsa',
  suite: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  openssl: 'ECDHE-RSA-AES256-GCM-SHA384',
};
const ECDSA_CHACHA = {
  keyType: 'p256',
  suite: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  openssl: 'ECDHE-ECDSA-CHACHA20-POLY1305',
};
const ECDSA_CBC = {
  keyType: 'p256',
  suite: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256',
  openssl: 'ECDHE-ECDSA-AES128-SHA256',
};
const EXPORTER = { label: EXPORT_LABEL, length: 32 };
/** RFC 5764 §4.2: SRTP_AES128_CM_HMAC_SHA1_80 takes 2 × (16 + 14) bytes. */
const SRTP_EXPORTER = { label: 'EXTRACTOR-dtls_srtp', length: 60 };

/** Each case: [name, options]. */
const OPENSSL_CASES = [
  ['ECDHE-ECDSA AES-128-GCM with exporter', { ...ECDSA_GCM, exporter: EXPORTER }],
  ['ECDHE-RSA AES-256-GCM with exporter', { ...RSA_GCM, exporter: EXPORTER }],
  ['ECDHE-ECDSA ChaCha20-Poly1305', ECDSA_CHACHA],
  ['ECDHE-ECDSA AES-128-GCM with ALPN', { ...ECDSA_GCM, alpn: 'coap' }],
  ['ECDHE-RSA AES-256-GCM at MTU 576', { ...RSA_GCM, mtu: 576 }],
  [
    'PSK AES-128-GCM with exporter',
    {
      keyType: 'p256',
      suite: 'TLS_PSK_WITH_AES_128_GCM_SHA256',
      openssl: 'PSK-AES128-GCM-SHA256',
      psk: true,
      exporter: EXPORTER,
    },
  ],
  [
    'ECDHE-PSK ChaCha20-Poly1305',
    {
      keyType: 'p256',
      suite: 'TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256',
      openssl: 'ECDHE-PSK-CHACHA20-POLY1305',
      psk: true,
    },
  ],
  // CBC suites (RFC 6347 §4.1.2.1), with RFC 7366 encrypt-then-MAC and, with -no_etm, without.
  ['ECDHE-ECDSA AES-128-CBC-SHA256 encrypt-then-MAC with exporter', { ...ECDSA_CBC, etm: true, exporter: EXPORTER }],
  ['ECDHE-ECDSA AES-128-CBC-SHA256 MAC-then-encrypt (-no_etm)', { ...ECDSA_CBC, etm: false }],
  [
    'ECDHE-ECDSA AES-256-CBC-SHA384 MAC-then-encrypt (-no_etm) at MTU 576',
    {
      keyType: 'p256',
      suite: 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384',
      openssl: 'ECDHE-ECDSA-AES256-SHA384',
      etm: false,
      mtu: 576,
    },
  ],
  [
    'ECDHE-RSA AES-128-CBC-SHA encrypt-then-MAC',
    { keyType: 'rsa', suite: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', openssl: 'ECDHE-RSA-AES128-SHA', etm: true },
  ],
  [
    'use_srtp SRTP_AES128_CM_SHA1_80 keying material',
    { ...ECDSA_GCM, srtp: 'SRTP_AES128_CM_HMAC_SHA1_80', exporter: SRTP_EXPORTER },
  ],
];

export function dtlsOpensslCases() {
  const out = [];
  for (const [label, o] of OPENSSL_CASES) {
    out.push({
      name: `dtls client ${label} (openssl s_server)`,
      run: (env) =>
        ourClient(env, {
          ...o,
          startPeer: (port, c) =>
            spawnPeer(
              'openssl',
              [
                's_server',
                '-dtls1_2',
                '-accept',
                String(port),
                '-cert',
                c.certPath,
                '-key',
                c.keyPath,
                '-cipher',
                o.openssl,
                ...opensslExtra(o),
              ],
              { ready: 'ACCEPT' },
            ),
        }),
    });
    out.push({
      name: `dtls server ${label} (openssl s_client)`,
      run: (env) =>
        ourServer(env, {
          ...o,
          startPeer: (port) =>
            spawnPeer(
              'openssl',
              ['s_client', '-dtls1_2', '-connect', `127.0.0.1:${port}`, '-cipher', o.openssl, ...opensslExtra(o)],
              { stdin: 'hello from peer\n' },
            ),
        }),
    });
  }
  return out;
}

const GNUTLS_PRIORITY = 'NORMAL:-VERS-ALL:+VERS-DTLS1.2';

export function dtlsGnutlsCases() {
  const out = [];
  for (const [label, o] of [
    ['ECDHE-ECDSA AES-128-GCM', ECDSA_GCM],
    ['ECDHE-RSA AES-256-GCM', RSA_GCM],
    [
      'ECDHE-ECDSA AES-128-CBC-SHA encrypt-then-MAC',
      { keyType: 'p256', suite: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', etm: true },
    ],
  ]) {
    out.push({
      name: `dtls client ${label} (gnutls-serv --udp)`,
      run: (env) =>
        ourClient(env, {
          ...o,
          echo: true,
          startPeer: (port, c) =>
            spawnPeer(
              'gnutls-serv',
              [
                '--udp',
                '-p',
                String(port),
                '--x509certfile',
                c.certPath,
                '--x509keyfile',
                c.keyPath,
                '--priority',
                GNUTLS_PRIORITY,
                '--echo',
              ],
              { ready: 'listening on IPv4' },
            ),
        }),
    });
    out.push({
      name: `dtls server ${label} (gnutls-cli --udp)`,
      run: (env) =>
        ourServer(env, {
          ...o,
          startPeer: (port) =>
            spawnPeer(
              'gnutls-cli',
              ['--udp', '-p', String(port), '127.0.0.1', '--insecure', '--priority', GNUTLS_PRIORITY],
              { stdin: 'hello from peer\n' },
            ),
        }),
    });
  }
  return out;
}
