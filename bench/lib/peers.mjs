// The client-only JavaScript TLS stacks on npm, each against a node:tls server (they have no server
// side): subtls and @reclaimprotocol/tls (TLS 1.3 on WebCrypto), node-forge (TLS 1.0 with
// TLS_RSA_WITH_AES_128_CBC_SHA only, its newest version and suite). `sslsocket/webcrypto-client` is
// sslsocket's WebCrypto client against the same node:tls server, the like-for-like figure the
// WebCrypto peers are compared with. Connections have the shape stacks.mjs documents.
import { once } from 'node:events';
import * as net from 'node:net';

/** A connection over a plain TCP socket whose TLS client is driven by `feed`/`send` callbacks. */
function tcpConnection() {
  // Data that arrives before the caller listens (the server may write at once) waits here, as in
  // a paused node stream.
  let waiting = [];
  let onData = (data) => waiting.push(data);
  let finished = false;
  let resolveEnded;
  const ended = new Promise((resolve) => {
    resolveEnded = resolve;
  });
  return {
    deliver: (data) => onData(data),
    finish: () => {
      finished = true;
      if (waiting.length === 0) resolveEnded();
    },
    ended,
    setOnData: (fn) => {
      onData = fn;
      for (const data of waiting) fn(data);
      waiting = [];
      if (finished) resolveEnded();
    },
  };
}

/** subtls 0.5: TLS 1.3, AES-128-GCM and P-256 key shares only; the server certificate is verified. */
async function subtlsConnect(port, cfg, certificate) {
  const { startTls, SocketReadQueue, TrustedCert } = await import('subtls');
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  const queue = new SocketReadQueue(socket);
  const roots = await TrustedCert.databaseFromPEM(certificate(cfg.cert).cert);
  const { read, write } = await startTls(
    'localhost',
    roots,
    queue.read.bind(queue),
    (data) => socket.write(data),
    // The bench certificates carry no key usage extensions (openssl req defaults).
    { requireServerTlsExtKeyUsage: false, requireDigitalSigKeyUsage: false },
  );
  const conn = tcpConnection();
  let started = false;
  const readLoop = async () => {
    try {
      for (;;) {
        const data = await read();
        if (data === undefined) break;
        conn.deliver(data);
      }
    } catch {
      // close_notify or a reset ends the loop like a close.
    }
    conn.finish();
  };
  const start = () => {
    if (started) return;
    started = true;
    void readLoop();
  };
  // subtls sends its Finished with the first read or write: start reading now, so the handshake is
  // complete when connect() resolves.
  start();
  return {
    write: (bytes) => write(bytes),
    end: () => socket.end(),
    destroy: () => socket.destroy(),
    onData: conn.setOnData,
    ended: conn.ended,
    resumed: () => false,
    session: () => Promise.reject(new Error('subtls does not resume sessions')),
  };
}

/** @reclaimprotocol/tls 0.1 with its WebCrypto implementation; the server certificate is verified. */
async function reclaimConnect(port, cfg, certificate) {
  const reclaim = await import('@reclaimprotocol/tls');
  const { webcryptoCrypto } = await import('@reclaimprotocol/tls/webcrypto');
  reclaim.setCryptoImplementation(webcryptoCrypto);
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  const conn = tcpConnection();
  // Records are processed in a queue behind the socket: the stream has ended once the queue reached
  // the server's close_notify. (0.1.2 never calls onTlsEnd for it: its end() waits on the queue it
  // runs in; the alert is seen through the logger instead.) A reset without close_notify ends it
  // once the queue caught up.
  let processing = Promise.resolve();
  socket.once('close', () => {
    void Promise.race([processing, new Promise((resolve) => setTimeout(resolve, 1000))]).then(() => conn.finish());
  });
  const onAlert = (details) => {
    if (details?.description === 'CLOSE_NOTIFY') conn.finish();
  };
  let handshaken;
  const ready = new Promise((resolve, reject) => {
    handshaken = { resolve, reject };
  });
  const tls = reclaim.makeTLSClient({
    host: 'localhost',
    rootCAs: [reclaim.loadX509FromPem(certificate(cfg.cert).cert)],
    cipherSuites: [cfg.aead === 'AES-128-GCM' ? 'TLS_AES_128_GCM_SHA256' : 'TLS_CHACHA20_POLY1305_SHA256'],
    namedCurves: [cfg.group === 'x25519' ? 'X25519' : 'SECP256R1'],
    supportedProtocolVersions: [cfg.version === '1.3' ? 'TLS1_3' : 'TLS1_2'],
    logger: { info() {}, debug() {}, trace() {}, warn: onAlert, error: onAlert },
    write({ header, content }) {
      socket.write(header);
      socket.write(content);
    },
    onHandshake: () => handshaken.resolve(),
    onApplicationData: (data) => conn.deliver(data),
    onTlsEnd: (error) => {
      handshaken.reject(error ?? new Error('connection ended during the handshake'));
      conn.finish();
    },
  });
  socket.on('data', (data) => {
    processing = tls.handleReceivedBytes(data);
  });
  await tls.startHandshake();
  await ready;
  return {
    write: (bytes) => tls.write(bytes),
    end: () => socket.end(),
    destroy: () => socket.destroy(),
    onData: conn.setOnData,
    ended: conn.ended,
    resumed: () => false,
    session: () => Promise.reject(new Error('not measured for @reclaimprotocol/tls')),
  };
}

/**
 * node-forge 1.x: TLS 1.0 (its newest version) with TLS_RSA_WITH_AES_128_CBC_SHA (RFC 4346 era RSA
 * key transport; no ECDHE, no AEAD). Needs the RSA certificate; the server certificate is verified.
 */
async function forgeConnect(port, cfg, certificate) {
  const forge = (await import('node-forge')).default;
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  const conn = tcpConnection();
  socket.once('close', () => conn.finish());
  const caStore = forge.pki.createCaStore([certificate(cfg.cert).cert]);
  let handshaken;
  const ready = new Promise((resolve, reject) => {
    handshaken = { resolve, reject };
  });
  const tls = forge.tls.createConnection({
    server: false,
    caStore,
    cipherSuites: [forge.tls.CipherSuites.TLS_RSA_WITH_AES_128_CBC_SHA],
    virtualHost: 'localhost',
    verify: (_c, verified) => verified,
    connected: () => handshaken.resolve(),
    tlsDataReady: (c) => socket.write(Buffer.from(c.tlsData.getBytes(), 'binary')),
    dataReady: (c) => conn.deliver(Buffer.from(c.data.getBytes(), 'binary')),
    closed: () => conn.finish(),
    error: (_c, error) => {
      handshaken.reject(new Error(`node-forge: ${error.message}`));
      socket.destroy();
    },
  });
  socket.on('data', (data) => tls.process(data.toString('binary')));
  tls.handshake();
  await ready;
  return {
    write: (bytes) => {
      tls.prepare(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('binary'));
    },
    end: () => socket.end(),
    destroy: () => socket.destroy(),
    onData: conn.setOnData,
    ended: conn.ended,
    resumed: () => false,
    session: () => Promise.reject(new Error('not measured for node-forge')),
  };
}

const CONNECT = { subtls: subtlsConnect, '@reclaimprotocol/tls': reclaimConnect, 'node-forge': forgeConnect };

/** The client-only stack `name`, served by `server` (the node:tls stack). */
export function clientOnlyStack(name, server, certificate) {
  return {
    name,
    createServer: server.createServer,
    connect: (port, cfg) => CONNECT[name](port, cfg, certificate),
  };
}

export const CLIENT_ONLY = Object.keys(CONNECT);
