// `npm run bench -- socket`: sslsocket over loopback TCP next to node:tls, measured in the same run.
// Bulk: server → client transfer (TLS 1.3, AES-128-GCM, x25519, ECDSA P-256). Handshakes: full TLS 1.3
// handshakes per second, sequential. Memory: heap + array buffers per idle established connection.
// Ends with `native ratios: bulk B, handshake H, memory M` (ours ÷ node:tls with the node provider;
// memory inverted so higher is better).
import * as tls from 'node:tls';
import { generateSelfSigned } from '@sslsocket/pkix';
import { connect, listen } from 'sslsocket';

const bulkBytes = Number(process.env.BENCH_BYTES ?? 64 * 1024 * 1024);
const handshakeCount = Number(process.env.BENCH_HANDSHAKES ?? 40);
const idleConnections = Number(process.env.BENCH_IDLE ?? 200);
const chunk = new Uint8Array(256 * 1024).fill(0x61);
const cert = await generateSelfSigned();
const tlsOptions = {
  key: cert.keyPem,
  cert: cert.certificatePem,
  minVersion: 'TLSv1.3',
  ciphers: 'TLS_AES_128_GCM_SHA256',
  ecdhCurve: 'X25519',
};

function nodeServer(onSocket) {
  return new Promise((resolve) => {
    const server = tls.createServer(tlsOptions, onSocket);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function nodeClient(port) {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: cert.certificatePem, servername: 'localhost' }, () =>
      resolve(socket),
    );
    socket.once('error', reject);
  });
}

async function nodeBulk() {
  const server = await nodeServer(async (socket) => {
    for (let sent = 0; sent < bulkBytes; sent += chunk.length) {
      if (!socket.write(chunk)) await new Promise((resolve) => socket.once('drain', resolve));
    }
    socket.end();
  });
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

const ourServerOptions = (provider) => ({
  cert: cert.certificatePem,
  key: cert.keyPem,
  provider,
  ciphers: ['TLS_AES_128_GCM_SHA256'],
  eccs: ['x25519'],
});
const ourClientOptions = (provider) => ({
  cacerts: [cert.certificatePem],
  serverNameIndication: 'localhost',
  provider,
  eccs: ['x25519'],
});

async function ourBulk(provider) {
  const listener = await listen(0, ourServerOptions(provider));
  const serving = (async () => {
    const socket = await listener.accept();
    for (let sent = 0; sent < bulkBytes; sent += chunk.length) await socket.send(chunk);
    await socket.close({ timeoutMs: 1000 });
  })();
  const start = performance.now();
  const client = await connect('127.0.0.1', listener.address.port, ourClientOptions(provider));
  let received = 0;
  for await (const data of client) received += data.length;
  const seconds = (performance.now() - start) / 1000;
  await serving;
  await client.close({ timeoutMs: 100 }).catch(() => undefined);
  await listener.close();
  if (received !== bulkBytes) throw new Error(`sslsocket received ${received}`);
  return bulkBytes / seconds / 1e6;
}

async function nodeHandshakes() {
  const server = await nodeServer((socket) => socket.end());
  const port = server.address().port;
  const start = performance.now();
  for (let i = 0; i < handshakeCount; i++) {
    const socket = await nodeClient(port);
    socket.destroy();
  }
  const rate = handshakeCount / ((performance.now() - start) / 1000);
  server.close();
  return rate;
}

async function ourHandshakes(provider) {
  const listener = await listen(0, { ...ourServerOptions(provider), sessionTickets: 'disabled' });
  let stop = false;
  const serving = (async () => {
    while (!stop) {
      const socket = await listener.accept().catch(() => undefined);
      if (socket === undefined) return;
      void socket.close({ timeoutMs: 50 }).catch(() => undefined);
    }
  })();
  const start = performance.now();
  for (let i = 0; i < handshakeCount; i++) {
    const socket = await connect('127.0.0.1', listener.address.port, ourClientOptions(provider));
    socket.transport.destroy();
  }
  const rate = handshakeCount / ((performance.now() - start) / 1000);
  stop = true;
  await listener.close();
  await serving;
  return rate;
}

async function memoryNow() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

async function nodeIdleMemory() {
  const sockets = [];
  const server = await nodeServer((socket) => sockets.push(socket));
  const before = await memoryNow();
  const clients = [];
  for (let i = 0; i < idleConnections; i++) clients.push(await nodeClient(server.address().port));
  const per = ((await memoryNow()) - before) / idleConnections;
  for (const client of clients) client.destroy();
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
  const per = ((await memoryNow()) - before) / idleConnections;
  for (const socket of [...clients, ...servers]) socket.transport.destroy();
  await listener.close();
  return per;
}

const rows = [];
const nodeRate = await nodeBulk();
rows.push(['node:tls', 'bulk MB/s', nodeRate]);
const results = {};
for (const provider of ['node', 'noble']) {
  const bulk = await ourBulk(provider);
  rows.push([`sslsocket (${provider})`, 'bulk MB/s', bulk]);
  results[provider] = { bulk };
}
const nodeHs = await nodeHandshakes();
rows.push(['node:tls', 'handshakes/s', nodeHs]);
for (const provider of ['node', 'noble']) {
  const rate = await ourHandshakes(provider);
  rows.push([`sslsocket (${provider})`, 'handshakes/s', rate]);
  results[provider].handshakes = rate;
}
const nodeMemory = await nodeIdleMemory();
rows.push(['node:tls', 'bytes/idle conn', nodeMemory]);
const ourMemory = await ourIdleMemory('node');
rows.push(['sslsocket (node)', 'bytes/idle conn', ourMemory]);

console.log(
  `loopback TCP, TLS 1.3 AES-128-GCM x25519 ECDSA P-256; bulk ${bulkBytes / 1048576} MiB, ${handshakeCount} handshakes, ${idleConnections} idle connections (client+server sides)`,
);
for (const [name, metric, value] of rows)
  console.log(`${name.padEnd(20)} ${metric.padEnd(16)} ${value.toFixed(1).padStart(12)}`);
const bulkRatio = results.node.bulk / nodeRate;
const handshakeRatio = results.node.handshakes / nodeHs;
const memoryRatio = nodeMemory / ourMemory;
console.log(
  `native ratios: bulk ${bulkRatio.toFixed(2)}, handshake ${handshakeRatio.toFixed(2)}, memory ${memoryRatio.toFixed(2)}`,
);
