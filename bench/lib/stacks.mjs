// One small adapter per TLS stack, so every task (bulk, handshakes, time to first byte, idle memory)
// runs the same code against node:tls, lemon-tls and sslsocket with each provider. A stack is
// { createServer(cfg, onConnection) → { port, close() }, connect(port, cfg, session?) → conn }, and a
// conn is { write(bytes) → Promise only under backpressure, end(), destroy(), onData(fn), ended,
// resumed(), session(), negotiated?() → { version: 'TLSv1.3' | ..., suite: IANA name } }.
//
// cfg: { version: '1.3' | '1.2', aead: 'AES-128-GCM' | 'CHACHA20-POLY1305', group: 'x25519' |
// 'X25519MLKEM768', cert: 'ecdsa' | 'rsa' }. Certificates come from BENCH_CERTS (the driver makes
// them with openssl: an ECDSA P-256 and an RSA-2048 self-signed certificate for "localhost").
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as nodeTls from 'node:tls';
import { pathToFileURL } from 'node:url';
import { CLIENT_ONLY, clientOnlyStack } from './peers.mjs';

const certDir = process.env.BENCH_CERTS;
const certs = {};
function certificate(kind) {
  if (certs[kind] === undefined) {
    if (certDir === undefined) throw new Error('BENCH_CERTS is not set (the driver sets it)');
    certs[kind] = {
      cert: readFileSync(join(certDir, `${kind}.pem`), 'utf8'),
      key: readFileSync(join(certDir, `${kind}.key`), 'utf8'),
    };
  }
  return certs[kind];
}

/** OpenSSL names of each cfg, as node:tls takes them. */
function opensslCipher(cfg) {
  // TLS 1.0 (node-forge's row): RSA key transport with AES-128-CBC-SHA, which OpenSSL 3 allows only
  // at security level 0.
  if (cfg.version === '1.0') return 'AES128-SHA:@SECLEVEL=0';
  if (cfg.version === '1.3')
    return cfg.aead === 'AES-128-GCM' ? 'TLS_AES_128_GCM_SHA256' : 'TLS_CHACHA20_POLY1305_SHA256';
  const auth = cfg.cert === 'rsa' ? 'RSA' : 'ECDSA';
  return cfg.aead === 'AES-128-GCM' ? `ECDHE-${auth}-AES128-GCM-SHA256` : `ECDHE-${auth}-CHACHA20-POLY1305`;
}

/** IANA code points for lemon-tls, which takes numbers (RFC 8446 §B.4, RFC 5289, RFC 7905, RFC 8446 §4.2.7). */
function ianaCipher(cfg) {
  if (cfg.version === '1.3') return cfg.aead === 'AES-128-GCM' ? 0x1301 : 0x1303;
  if (cfg.cert === 'rsa') return cfg.aead === 'AES-128-GCM' ? 0xc02f : 0xcca8;
  return cfg.aead === 'AES-128-GCM' ? 0xc02b : 0xcca9;
}
/** node:net's default writableHighWaterMark: above it the bulk writers wait, for every stack. */
const WRITE_HIGH_WATER = 16 * 1024;
/** sslsocket: bytes a bulk writer sends without waiting when its transport does not push back. */
const IN_FLIGHT_LIMIT = 1024 * 1024;
const OPENSSL_GROUP = { x25519: 'X25519', X25519MLKEM768: 'X25519MLKEM768', secp256r1: 'P-256' };
const IANA_GROUP = { x25519: 0x001d, X25519MLKEM768: 0x11ec, secp256r1: 0x0017 };

function nodeStreamConnection(socket) {
  const ended = new Promise((resolve) => {
    socket.once('end', resolve);
    socket.once('close', resolve);
  });
  let session;
  const sessionArrived = new Promise((resolve) => {
    socket.once('session', (value) => {
      session = value;
      resolve(value);
    });
  });
  socket.on('error', () => undefined);
  return {
    write(bytes) {
      if (socket.write(bytes)) return undefined;
      return once(socket, 'drain');
    },
    end: () => socket.end(),
    destroy: () => socket.destroy(),
    onData: (fn) => socket.on('data', fn),
    ended,
    negotiated: () => ({ version: socket.getProtocol(), suite: socket.getCipher()?.standardName }),
    resumed: () => socket.isSessionReused(),
    session: () => (session !== undefined ? Promise.resolve(session) : sessionArrived),
  };
}

/**
 * TCP_NODELAY, as sslsocket's transport and the client-only peers set it: with Nagle on, a stack
 * that writes a flight as several small writes waits for the peer's delayed ACK (about 40 ms on
 * Linux) in every handshake, which measures its TCP settings rather than its TLS. lemon-tls 0.7
 * attaches its TCP socket after connect() returns (`setSocket`), so it is set there.
 */
function noDelay(socket) {
  if (typeof socket.setSocket !== 'function') {
    socket.setNoDelay(true);
    return;
  }
  const attach = socket.setSocket;
  socket.setSocket = (tcp) => {
    tcp.setNoDelay(true);
    return attach.call(socket, tcp);
  };
}

function nodeLike(name, tls, extraOptions) {
  const versionOptions = (cfg) => {
    const version = { 1.3: 'TLSv1.3', 1.2: 'TLSv1.2', '1.0': 'TLSv1' }[cfg.version];
    return { minVersion: version, maxVersion: version, ...extraOptions(cfg) };
  };
  return {
    name,
    createServer(cfg, onConnection) {
      const { cert, key } = certificate(cfg.cert);
      return new Promise((resolve, reject) => {
        const server = tls.createServer({ key, cert, ...versionOptions(cfg) }, (socket) =>
          onConnection(nodeStreamConnection(socket)),
        );
        server.on('tlsClientError', () => undefined);
        // TCP_NODELAY on every accepted socket (lemon-tls keeps its net.Server in _tcpServer).
        (server._tcpServer ?? server).on('connection', (tcp) => tcp.setNoDelay(true));
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () =>
          resolve({ port: server.address().port, close: () => new Promise((done) => server.close(() => done())) }),
        );
      });
    },
    connect(port, cfg, session) {
      return new Promise((resolve, reject) => {
        const options = {
          host: '127.0.0.1',
          port,
          ca: certificate(cfg.cert).cert,
          servername: 'localhost',
          ...versionOptions(cfg),
          ...(session === undefined ? {} : { session }),
        };
        // The session listener must exist before the handshake ends: the ticket can come with it.
        let connection;
        const socket = tls.connect(options, () => resolve(connection));
        noDelay(socket);
        connection = nodeStreamConnection(socket);
        socket.once('error', reject);
      });
    },
  };
}

const nodeStack = nodeLike('node:tls', nodeTls, (cfg) => ({
  ciphers: opensslCipher(cfg),
  // RFC 8422 §5.1 (TLS 1.2): the ECDSA certificate's curve must be one the client lists.
  ecdhCurve: `${OPENSSL_GROUP[cfg.group]}${cfg.version === '1.2' && cfg.group !== 'secp256r1' ? ':P-256' : ''}`,
}));

async function lemonStack() {
  const lemon = (await import('lemon-tls')).default;
  return nodeLike('lemon-tls', lemon, (cfg) => ({
    allowedCipherSuites: [ianaCipher(cfg)],
    // RFC 8422 §5.1 (TLS 1.2): the ECDSA certificate's curve must be one the client lists.
    groups: cfg.version === '1.2' ? [IANA_GROUP[cfg.group], IANA_GROUP.secp256r1] : [IANA_GROUP[cfg.group]],
  }));
}

/**
 * sslsocket as built in this checkout, or (`baseline`) in another one: `--baseline DIR` runs a
 * second sslsocket stack from DIR's build next to this one, for before/after figures from one run.
 */
async function sslsocketStack(provider, baseline) {
  const { connect, listen } =
    baseline === undefined
      ? await import('sslsocket')
      : await import(pathToFileURL(join(baseline, 'packages/sslsocket/dist/index.js')).href);
  const suite = (cfg) => {
    if (cfg.version === '1.3')
      return cfg.aead === 'AES-128-GCM' ? 'TLS_AES_128_GCM_SHA256' : 'TLS_CHACHA20_POLY1305_SHA256';
    return opensslCipher(cfg);
  };
  const common = (cfg) => ({
    provider,
    versions: [cfg.version === '1.3' ? 'tlsv1.3' : 'tlsv1.2'],
    // RFC 8422 §5.1 (TLS 1.2): the ECDSA certificate's curve must be one the client lists.
    eccs: cfg.version === '1.2' ? [cfg.group, 'secp256r1'] : [cfg.group],
  });
  const wrap = (socket) => {
    let onData = () => undefined;
    let started = false;
    let unsent = 0;
    let resolveEnded;
    const ended = new Promise((resolve) => {
      resolveEnded = resolve;
    });
    const readLoop = async () => {
      try {
        for await (const data of socket) onData(data);
      } catch {
        // A reset peer ends the loop like a close.
      }
      resolveEnded();
    };
    return {
      // As node streams' write(): go on at once, and wait when the transport pushes back (its
      // queue reached the high-water mark) or once 1 MiB was sent since the last wait (bounds the
      // records in flight with an asynchronous provider; sends complete in order, so waiting for
      // the last one waits for all). Small sends of one tick are gathered into one record and share
      // one Promise; awaiting every send would flush each 1 KiB piece as a record of its own.
      write: (bytes) => {
        const sent = socket.send(bytes);
        unsent += bytes.length;
        if (socket.transport.stats.pendingWrite < WRITE_HIGH_WATER && unsent < IN_FLIGHT_LIMIT) {
          sent.catch(() => undefined);
          return undefined;
        }
        unsent = 0;
        return sent;
      },
      end: () => {
        socket.close({ timeoutMs: 1000 }).catch(() => undefined);
      },
      destroy: () => socket.transport.destroy(),
      onData(fn) {
        onData = fn;
        if (!started) {
          started = true;
          void readLoop();
        }
      },
      get ended() {
        if (!started) this.onData(() => undefined);
        return ended;
      },
      negotiated: () => {
        const info = socket.connectionInformation();
        return { version: info.protocol === 'tlsv1.3' ? 'TLSv1.3' : 'TLSv1.2', suite: info.selectedCipherSuite };
      },
      resumed: () => socket.connectionInformation().sessionResumption,
      session: () =>
        socket.savedSessions[0] !== undefined
          ? Promise.resolve(socket.savedSessions[0])
          : new Promise((resolve) => socket.once('session', resolve)),
    };
  };
  return {
    name: `sslsocket${provider === 'node' ? '' : `/${typeof provider === 'string' ? provider : provider.name}`}${baseline === undefined ? '' : '@baseline'}`,
    async createServer(cfg, onConnection) {
      const { cert, key } = certificate(cfg.cert);
      const listener = await listen(0, { cert, key, ciphers: [suite(cfg)], ...common(cfg) });
      let open = true;
      void (async () => {
        while (open) {
          const socket = await listener.accept().catch(() => undefined);
          if (socket === undefined) return;
          onConnection(wrap(socket));
        }
      })();
      return {
        port: listener.address.port,
        close: async () => {
          open = false;
          await listener.close();
        },
      };
    },
    async connect(port, cfg, session) {
      const socket = await connect('127.0.0.1', port, {
        cacerts: [certificate(cfg.cert).cert],
        serverNameIndication: 'localhost',
        reuseSessions: false,
        ...common(cfg),
        ...(session === undefined ? {} : { reuseSession: session }),
      });
      return wrap(socket);
    },
  };
}

/**
 * sslsocket with the node provider's records sealed and opened on `workers` worker threads
 * (createNodePoolProvider, issue #17): stack `sslsocket/pool-N`. The provider's name is the stack's.
 */
async function poolStack(workers, baseline) {
  const { createNodePoolProvider } =
    baseline === undefined
      ? await import('@sslsocket/provider-node')
      : await import(pathToFileURL(join(baseline, 'packages/provider-node/dist/index.js')).href);
  const provider = createNodePoolProvider({ workers });
  return sslsocketStack({ ...provider, name: `pool-${workers}` }, baseline);
}

/** The `--baseline DIR` checkout (see sslsocketStack). */
function baselineDir() {
  const dir = process.env.BENCH_BASELINE;
  if (dir === undefined) throw new Error('a @baseline stack needs --baseline DIR');
  return dir;
}

/**
 * The stack named `name` (see STACKS). `sslsocket…@baseline` is the same sslsocket stack from the
 * `--baseline DIR` checkout.
 */
export async function loadStack(name) {
  const baseline = name.endsWith('@baseline') ? baselineDir() : undefined;
  switch (baseline === undefined ? name : name.slice(0, -'@baseline'.length)) {
    case 'node:tls':
      return nodeStack;
    case 'lemon-tls':
      return lemonStack();
    case 'sslsocket':
      return sslsocketStack('node', baseline);
    case 'sslsocket/webcrypto':
      return sslsocketStack('webcrypto', baseline);
    case 'sslsocket/noble':
      return sslsocketStack('noble', baseline);
    case 'sslsocket/pool-1':
      return poolStack(1, baseline);
    case 'sslsocket/pool-2':
      return poolStack(2, baseline);
    case 'sslsocket/webcrypto-client': {
      // sslsocket's WebCrypto client against node:tls, as the WebCrypto peers run.
      const { connect } = await sslsocketStack('webcrypto', baseline);
      return { name, createServer: nodeStack.createServer, connect };
    }
    default:
      if (CLIENT_ONLY.includes(name)) return clientOnlyStack(name, nodeStack, certificate);
      throw new Error(`unknown stack ${name}`);
  }
}

export const STACKS = [
  'node:tls',
  'lemon-tls',
  'sslsocket',
  'sslsocket/webcrypto',
  'sslsocket/webcrypto-client',
  'sslsocket/noble',
  'sslsocket/pool-1',
  'sslsocket/pool-2',
  ...CLIENT_ONLY,
];
