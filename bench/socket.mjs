// `npm run bench -- socket`: sslsocket over loopback TCP next to node:tls, measured in the same run
// (issue #10). Both ends of every connection live in this process, so each figure is the CPU of a
// client and a server together, for node:tls and for sslsocket alike.
//  - Bulk: BENCH_BYTES (default 256 MiB) server → client, TLS 1.3 AES-128-GCM (nodeProvider and
//    webcryptoProvider) and TLS 1.2 ECDHE-ECDSA-AES128-GCM-SHA256 (nodeProvider); best of BENCH_ROUNDS.
//  - Handshakes/s: full TLS 1.3 (x25519, ECDSA P-256) sequential and 16 concurrent, and resumed
//    (psk_dhe_ke) sequential. Both servers send their default session tickets.
//  - Memory per idle established connection (client and server side) over BENCH_IDLE (default
//    1,000) connections, each stack in a fresh process: resident set growth (all memory, OpenSSL's
//    included) and JS heap + array buffers growth.
// Ends with `native ratios: bulk B, handshake H, memory M`: B the smallest nodeProvider bulk ratio,
// H the smallest handshake ratio, M node:tls resident bytes ÷ ours (higher is better).
import * as tls from 'node:tls';
import { generateSelfSigned } from '@sslsocket/pkix';
import { connect, listen } from 'sslsocket';

const bulkBytes = Number(process.env.BENCH_BYTES ?? 256 * 1024 * 1024);
const handshakeCount = Number(process.env.BENCH_HANDSHAKES ?? 200);
const concurrency = 16;
const idleConnections = Number(process.env.BENCH_IDLE ?? 1000);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const only = process.env.BENCH_ONLY?.split(',');
const chunk = new Uint8Array(256 * 1024).fill(0x61);
const cert = await generateSelfSigned();

const TLS13 = { minVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256' };
const TLS12 = { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' };

// ---- node:tls ----

function nodeServer(onSocket, version = TLS13) {
  return new Promise((resolve) => {
    const server = tls.createServer(
      { key: cert.keyPem, cert: cert.certificatePem, ecdhCurve: 'X25519', ...version },
      onSocket,
    );
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function nodeClient(port, extra = {}) {
  return new Promise((resolve, reject) => {
    const socket = tls.connect(
      { host: '127.0.0.1', port, ca: cert.certificatePem, servername: 'localhost', ...extra },
      () => resolve(socket),
    );
    socket.once('error', reject);
  });
}

async function nodeBulk(version) {
  const server = await nodeServer(async (socket) => {
    for (let sent = 0; sent < bulkBytes; sent += chunk.length) {
      if (!socket.write(chunk)) await new Promise((resolve) => socket.once('drain', resolve));
    }
    socket.end();
  }, version);
  const start = performance.now();
  const client = await nodeClient(server.address().port);
  let received = 0;
  await new Promise((resolve) => {
    client.on('data', (data) => {
      received += data.length;
    });
    client.on('end', resolve);
  });
  const seconds = (performance.now() - start) / 1000;
  server.close();
  if (received !== bulkBytes) throw new Error(`node:tls received ${received}`);
  return bulkBytes / seconds / 1e6;
}

/** Runs `count` handshakes made by `one()`, `parallel` at a time; handshakes per second. */
async function rate(one, count, parallel) {
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < count) {
      next++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return count / ((performance.now() - start) / 1000);
}

async function nodeHandshakes(parallel, resumed) {
  // The server keeps each connection until the client leaves, so its session tickets go out (an
  // immediate end() would shut the connection before OpenSSL writes them).
  const server = await nodeServer((socket) => {
    socket.on('error', () => undefined);
    socket.on('end', () => socket.end());
    socket.resume();
  });
  const port = server.address().port;
  let session;
  if (resumed) {
    // The ticket may arrive in the same read as the server's Finished: listen before connecting.
    session = await new Promise((resolve, reject) => {
      const first = tls.connect({ host: '127.0.0.1', port, ca: cert.certificatePem, servername: 'localhost' });
      first.once('session', (ticket) => {
        resolve(ticket);
        first.end();
      });
      first.once('error', reject);
    });
  }
  const result = await rate(
    async () => {
      const socket = await nodeClient(port, session === undefined ? {} : { session });
      if (resumed && !socket.isSessionReused()) throw new Error('node:tls did not resume');
      socket.destroy();
    },
    handshakeCount,
    parallel,
  );
  server.close();
  return result;
}

// ---- sslsocket ----

const ourServerOptions = (provider, version = 'tlsv1.3') => ({
  cert: cert.certificatePem,
  key: cert.keyPem,
  provider,
  versions: [version],
  ciphers: [version === 'tlsv1.3' ? 'TLS_AES_128_GCM_SHA256' : 'ECDHE-ECDSA-AES128-GCM-SHA256'],
  // TLS 1.2 (RFC 8422 §5.1): the ECDSA certificate's curve must be one the client lists too.
  eccs: version === 'tlsv1.3' ? ['x25519'] : ['x25519', 'secp256r1'],
});
const ourClientOptions = (provider, version = 'tlsv1.3') => ({
  cacerts: [cert.certificatePem],
  serverNameIndication: 'localhost',
  provider,
  versions: [version],
  eccs: version === 'tlsv1.3' ? ['x25519'] : ['x25519', 'secp256r1'],
  reuseSessions: false,
});

async function ourBulk(provider, version) {
  const listener = await listen(0, ourServerOptions(provider, version));
  const serving = (async () => {
    const socket = await listener.accept();
    for (let sent = 0; sent < bulkBytes; sent += chunk.length) await socket.send(chunk);
    await socket.close({ timeoutMs: 1000 });
  })();
  const start = performance.now();
  const client = await connect('127.0.0.1', listener.address.port, ourClientOptions(provider, version));
  let received = 0;
  for await (const data of client) received += data.length;
  const seconds = (performance.now() - start) / 1000;
  await serving;
  await client.close({ timeoutMs: 100 }).catch(() => undefined);
  await listener.close();
  if (received !== bulkBytes) throw new Error(`sslsocket received ${received}`);
  return bulkBytes / seconds / 1e6;
}

async function ourHandshakes(provider, parallel, resumed) {
  const listener = await listen(0, ourServerOptions(provider));
  let stop = false;
  const serving = (async () => {
    while (!stop) {
      const socket = await listener.accept().catch(() => undefined);
      if (socket === undefined) return;
      void socket.close({ timeoutMs: 50 }).catch(() => undefined);
    }
  })();
  const port = listener.address.port;
  let session;
  if (resumed) {
    const first = await connect('127.0.0.1', port, ourClientOptions(provider));
    session = first.savedSessions[0] ?? (await new Promise((resolve) => first.once('session', resolve)));
    first.transport.destroy();
  }
  const options = { ...ourClientOptions(provider), ...(session === undefined ? {} : { reuseSession: session }) };
  const result = await rate(
    async () => {
      const socket = await connect('127.0.0.1', port, options);
      if (resumed && !socket.connectionInformation().sessionResumption) throw new Error('sslsocket did not resume');
      socket.transport.destroy();
    },
    handshakeCount,
    parallel,
  );
  stop = true;
  await listener.close();
  await serving;
  return result;
}

// ---- memory ----

async function memoryNow() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const usage = process.memoryUsage();
  return { js: usage.heapUsed + usage.arrayBuffers, rss: usage.rss };
}

/** Per-connection growth of JS memory (heap + array buffers) and of the resident set (which also
 * counts OpenSSL's native allocations, invisible to the JS heap figure). */
function perConnection(before, after) {
  return { js: (after.js - before.js) / idleConnections, rss: (after.rss - before.rss) / idleConnections };
}

async function nodeIdleMemory() {
  const sockets = [];
  const server = await nodeServer((socket) => sockets.push(socket));
  const before = await memoryNow();
  const clients = [];
  for (let i = 0; i < idleConnections; i++) clients.push(await nodeClient(server.address().port));
  // Let the post-handshake tickets arrive, as they do on a real idle connection.
  await new Promise((resolve) => setTimeout(resolve, 100));
  const per = perConnection(before, await memoryNow());
  for (const client of clients) client.destroy();
  for (const socket of sockets) socket.destroy();
  server.close();
  return per;
}

async function ourIdleMemory(provider) {
  const listener = await listen(0, ourServerOptions(provider));
  const servers = [];
  const before = await memoryNow();
  const clients = [];
  for (let i = 0; i < idleConnections; i++) {
    const accepted = listener.accept();
    clients.push(await connect('127.0.0.1', listener.address.port, ourClientOptions(provider)));
    servers.push(await accepted);
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  const per = perConnection(before, await memoryNow());
  for (const socket of [...clients, ...servers]) socket.transport.destroy();
  await listener.close();
  return per;
}

// ---- the run ----

/** Each memory figure in a fresh process: pages freed by one stack must not be reused by the other. */
async function inChild(which) {
  const { execFileSync } = await import('node:child_process');
  const output = execFileSync(process.execPath, ['--expose-gc', new URL(import.meta.url).pathname], {
    env: { ...process.env, BENCH_MEMORY_CHILD: which },
    encoding: 'utf8',
  });
  return JSON.parse(output.trim().split('\n').at(-1));
}
if (process.env.BENCH_MEMORY_CHILD !== undefined) {
  const result = process.env.BENCH_MEMORY_CHILD === 'node:tls' ? await nodeIdleMemory() : await ourIdleMemory('node');
  console.log(JSON.stringify(result));
  process.exit(0);
}

const wanted = (name) => only === undefined || only.includes(name);
const best = async (measure) => {
  let top = 0;
  for (let i = 0; i < rounds; i++) top = Math.max(top, await measure());
  return top;
};
/** Ours and the reference alternate, so both see the same machine state. */
async function pair(ours, reference) {
  let a = 0;
  let b = 0;
  for (let i = 0; i < rounds; i++) {
    b = Math.max(b, await reference());
    a = Math.max(a, await ours());
  }
  return [a, b];
}

const rows = [];
const targets = [];
function record(name, metric, ours, reference, target, group) {
  rows.push([name, metric, ours, reference]);
  if (target !== undefined) targets.push([`${name} ${metric}`, ours / reference, target, group]);
}

if (wanted('bulk')) {
  const [ours13, node13] = await pair(
    () => ourBulk('node', 'tlsv1.3'),
    () => nodeBulk(TLS13),
  );
  record('TLS 1.3 AES-128-GCM, node', 'bulk MB/s', ours13, node13, 0.8, 'bulk');
  const web = await best(() => ourBulk('webcrypto', 'tlsv1.3'));
  record('TLS 1.3 AES-128-GCM, webcrypto', 'bulk MB/s', web, node13, 0.5);
  let tls12;
  try {
    tls12 = await pair(
      () => ourBulk('node', 'tlsv1.2'),
      () => nodeBulk(TLS12),
    );
  } catch (error) {
    console.log(`TLS 1.2 ECDHE-ECDSA-AES128-GCM-SHA256 bulk: n/a (${error.message})`);
  }
  if (tls12 !== undefined) record('TLS 1.2 ECDHE-ECDSA-AES128-GCM, node', 'bulk MB/s', ...tls12, 0.8, 'bulk');
}
if (wanted('handshake')) {
  for (const [label, parallel, resumed] of [
    ['full sequential', 1, false],
    [`full ${concurrency} concurrent`, concurrency, false],
    ['resumed psk_dhe_ke', 1, true],
  ]) {
    const [ours, reference] = await pair(
      () => ourHandshakes('node', parallel, resumed),
      () => nodeHandshakes(parallel, resumed),
    );
    record(`TLS 1.3 ${label}, node`, 'handshakes/s', ours, reference, 0.7, 'handshake');
  }
}
if (wanted('memory')) {
  const reference = await inChild('node:tls');
  const ours = await inChild('sslsocket');
  rows.push(['idle connection, JS heap+buffers', 'bytes/conn', ours.js, reference.js]);
  rows.push(['idle connection, resident set', 'bytes/conn', ours.rss, reference.rss]);
  // node:tls keeps most of a connection in OpenSSL's malloc, which the JS heap figure cannot see:
  // the resident set is the figure that counts every byte of both stacks, so it is the ratio of
  // record; the JS-only ratio is printed next to it.
  targets.push(['idle connection resident memory (node:tls ÷ ours)', reference.rss / ours.rss, 1, 'memory']);
  targets.push(['idle connection JS-heap memory (node:tls ÷ ours)', reference.js / ours.js, 1]);
}

console.log(
  `loopback TCP, x25519, ECDSA P-256; bulk ${bulkBytes / 1048576} MiB server → client (best of ${rounds}), ` +
    `${handshakeCount} handshakes per row, ${idleConnections} idle connections (client + server sides)`,
);
console.log(`${'sslsocket'.padEnd(38)} ${'metric'.padEnd(13)} ${'sslsocket'.padStart(10)} ${'node:tls'.padStart(10)}`);
for (const [name, metric, ours, reference] of rows)
  console.log(
    `${name.padEnd(38)} ${metric.padEnd(13)} ${ours.toFixed(1).padStart(10)} ${reference.toFixed(1).padStart(10)}`,
  );
console.log('');
for (const [name, ratio, target] of targets)
  console.log(
    `${name.padEnd(52)} ratio ${ratio.toFixed(2)}  target ≥ ${target.toFixed(2)}  ${ratio >= target ? 'met' : 'MISSED'}`,
  );
const smallest = (group) => {
  const values = targets.filter((t) => t[3] === group).map((t) => t[1]);
  return values.length === 0 ? 'n/a' : Math.min(...values).toFixed(2);
};
console.log(
  `native ratios: bulk ${smallest('bulk')}, handshake ${smallest('handshake')}, memory ${smallest('memory')}`,
);
