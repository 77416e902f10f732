#!/usr/bin/env node
// What one idle, established TLS connection keeps, per role, for sslsocket and node:tls (#17's
// memory row, #21's "JS heap per idle connection"). For each stack and role, a fresh process plays
// the measured role and a second fresh process plays the peer, so each figure holds one end only:
// `server` is what a listener keeps per accepted connection (listen() + accept()), `client` what
// connect() keeps. Both measure N connections opened after one warm-up connection, after the
// handshake and its post-handshake messages (TLS 1.3 session tickets) settled, a full GC before and
// after:
//   heap   V8 heap used (JS objects, closures, Promises, timers)            KiB per connection
//   ext    ArrayBuffer backing stores and other external memory              KiB per connection
//   rss    resident set growth, all of it; (young) is the part that is V8's young generation
//          (bench/lib/idle-memory.mjs and bench/README.md "The memory row" say why it matters)
//
// Usage: npm run build && node scripts/heap-per-connection.mjs [--count 500] [--stack sslsocket|node:tls]
//        [--role client|server] [--version 1.3|1.2] [--warmup 100] [--top 25]
// --top N also writes heap snapshots before and after (in the measured process) and prints the N
// constructors whose retained count and self size grew most, per connection: where the heap went.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

const script = fileURLToPath(import.meta.url);

function argument(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A full collection, three times with a pause (finalizers and weak callbacks run in between). */
async function collect() {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(20);
  }
}

async function memoryNow() {
  await collect();
  const usage = process.memoryUsage();
  const young = v8
    .getHeapSpaceStatistics()
    .filter((space) => space.space_name === 'new_space' || space.space_name === 'new_large_object_space')
    .reduce((sum, space) => sum + space.physical_space_size, 0);
  return { heap: usage.heapUsed, ext: usage.external, rss: usage.rss, young };
}

// ---- the stacks: a server that keeps every accepted connection, a client that opens and keeps one

function pems(dir) {
  return {
    ca: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    cert: readFileSync(join(dir, 'leaf.pem'), 'utf8'),
    key: readFileSync(join(dir, 'leaf.key'), 'utf8'),
  };
}

const versions = { '1.3': ['tlsv1.3', 'TLSv1.3'], '1.2': ['tlsv1.2', 'TLSv1.2'] };

const STACKS = {
  async sslsocket(certs, version) {
    const { connect, listen } = await import('sslsocket');
    const tls = { versions: [versions[version][0]] };
    return {
      async server(onConnection) {
        const listener = await listen(0, { host: '127.0.0.1', cert: certs.cert, key: certs.key, ...tls });
        void (async () => {
          for (;;) {
            const socket = await listener.accept().catch(() => undefined);
            if (socket === undefined) return;
            onConnection(socket);
          }
        })();
        return listener.address.port;
      },
      client: (port) =>
        connect('127.0.0.1', port, {
          cacerts: [certs.ca],
          serverNameIndication: 'server.test',
          reuseSessions: false,
          ...tls,
        }),
    };
  },
  async 'node:tls'(certs, version) {
    const tls = await import('node:tls');
    const range = { minVersion: versions[version][1], maxVersion: versions[version][1] };
    return {
      async server(onConnection) {
        const server = tls.createServer({ cert: certs.cert, key: certs.key, ...range }, (socket) => {
          socket.on('error', () => undefined);
          onConnection(socket);
        });
        server.on('tlsClientError', () => undefined);
        server.listen(0, '127.0.0.1');
        await once(server, 'listening');
        return server.address().port;
      },
      client: (port) =>
        new Promise((resolve, reject) => {
          const socket = tls.connect(
            { host: '127.0.0.1', port, ca: certs.ca, servername: 'server.test', ...range },
            () => resolve(socket),
          );
          socket.once('error', reject);
        }),
    };
  },
};

// ---- the peer process: the other end of every measured connection, driven over stdin/stdout

async function peer(stackName, role, certDir, version, port) {
  const stack = await STACKS[stackName](pems(certDir), version);
  const kept = [];
  if (role === 'server') {
    const listening = await stack.server((c) => kept.push(c));
    process.stdout.write(`port ${listening}\n`);
  }
  for await (const line of createInterface({ input: process.stdin })) {
    const [verb, n] = line.split(' ');
    if (verb === 'open') {
      for (let i = 0; i < Number(n); i++) kept.push(await stack.client(Number(port)));
      process.stdout.write('opened\n');
    }
  }
  process.exit(0);
}

function startPeer(stackName, role, certDir, version, port) {
  const child = spawn(process.execPath, [script, '--peer', stackName, role, certDir, version, String(port ?? 0)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async line() {
      const next = await lines.next();
      if (next.done) throw new Error(`${stackName} peer exited`);
      return next.value;
    },
    send: (line) => child.stdin.write(`${line}\n`),
    stop: () => {
      child.stdin.end();
      return once(child, 'exit');
    },
  };
}

// ---- the measured process: one role of one stack

/** Constructor name → { count, size } over a heap snapshot's nodes (self sizes). */
function heapCensus(file) {
  const snapshot = JSON.parse(readFileSync(file, 'utf8'));
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const census = new Map();
  const nodes = snapshot.nodes;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]];
    const key = type === 'object' || type === 'closure' ? `${type} ${snapshot.strings[nodes[i + nameAt]]}` : type;
    const entry = census.get(key) ?? { count: 0, size: 0 };
    entry.count++;
    entry.size += nodes[i + sizeAt];
    census.set(key, entry);
  }
  return census;
}

async function measure(stackName, role, certDir, version, count, top, warmup) {
  const stack = await STACKS[stackName](pems(certDir), version);
  const kept = [];
  let connect;
  let peerProcess;
  if (role === 'server') {
    let expected = 0;
    let arrived;
    const port = await stack.server((c) => {
      kept.push(c);
      if (kept.length >= expected) arrived?.();
    });
    peerProcess = startPeer(stackName, 'client', certDir, version, port);
    connect = async (n) => {
      expected = kept.length + n;
      const all = new Promise((resolve) => {
        arrived = resolve;
      });
      peerProcess.send(`open ${n}`);
      await peerProcess.line();
      if (kept.length < expected) await all;
    };
  } else {
    peerProcess = startPeer(stackName, 'server', certDir, version);
    const port = Number((await peerProcess.line()).split(' ')[1]);
    connect = async (n) => {
      for (let i = 0; i < n; i++) kept.push(await stack.client(port));
    };
  }
  // Connections first, so code loading, compiled code and first-use caches are not counted per
  // connection.
  await connect(warmup);
  await sleep(200);
  const snapshots = top > 0 ? mkdtempSync(join(tmpdir(), 'heap-')) : undefined;
  if (snapshots !== undefined) v8.writeHeapSnapshot(join(snapshots, 'before.heapsnapshot'));
  const start = await memoryNow();
  await connect(count);
  // Post-handshake messages (TLS 1.3 tickets) and the handshake's leftovers settle.
  await sleep(300);
  const after = await memoryNow();
  const result = {
    heap: (after.heap - start.heap) / count,
    ext: (after.ext - start.ext) / count,
    rss: (after.rss - start.rss) / count,
    young: (after.young - start.young) / count,
    connections: kept.length,
  };
  if (snapshots !== undefined) {
    v8.writeHeapSnapshot(join(snapshots, 'after.heapsnapshot'));
    const a = heapCensus(join(snapshots, 'before.heapsnapshot'));
    const b = heapCensus(join(snapshots, 'after.heapsnapshot'));
    if (process.env.KEEP_SNAPSHOTS === undefined) rmSync(snapshots, { recursive: true, force: true });
    else process.stderr.write(`snapshots in ${snapshots}\n`);
    result.top = [...b]
      .map(([name, { count: n, size }]) => ({
        name,
        count: (n - (a.get(name)?.count ?? 0)) / count,
        bytes: (size - (a.get(name)?.size ?? 0)) / count,
      }))
      .sort((x, y) => y.bytes - x.bytes)
      .slice(0, top);
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
  await peerProcess.stop();
  process.exit(0);
}

// ---- the driver

async function main() {
  const count = Number(argument('count', '500'));
  const version = argument('version', '1.3');
  const top = Number(argument('top', '0'));
  const warmup = Number(argument('warmup', '100'));
  const stackNames = argument('stack', undefined)?.split(',') ?? ['sslsocket', 'node:tls'];
  const roles = argument('role', undefined)?.split(',') ?? ['client', 'server'];
  const { generateCaChain } = await import('@sslsocket/pkix');
  const chain = await generateCaChain({ altNames: ['server.test'] });
  const certDir = mkdtempSync(join(tmpdir(), 'heap-certs-'));
  writeFileSync(join(certDir, 'ca.pem'), chain.ca.certificatePem);
  writeFileSync(join(certDir, 'leaf.pem'), chain.leaf.certificatePem);
  writeFileSync(join(certDir, 'leaf.key'), chain.leaf.keyPem);
  const kib = (bytes) => (bytes / 1024).toFixed(1).padStart(6);
  console.log(
    `idle established connections: ${count} per role after ${warmup} to warm up, TLS ${version}, Node ${process.versions.node}`,
  );
  console.log('stack       role      heap KiB   ext KiB   rss KiB (young KiB)');
  try {
    for (const stackName of stackNames) {
      for (const role of roles) {
        const child = spawn(
          process.execPath,
          [script, '--measure', stackName, role, certDir, version, String(count), String(top), String(warmup)],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        let out = '';
        child.stdout.on('data', (chunk) => {
          out += chunk;
        });
        const [code] = await once(child, 'exit');
        if (code !== 0) throw new Error(`${stackName} ${role}: exit ${code}`);
        const r = JSON.parse(out.trim().split('\n').pop());
        console.log(
          `${stackName.padEnd(11)} ${role.padEnd(8)} ${kib(r.heap)}    ${kib(r.ext)}    ${kib(r.rss)} (${kib(r.young).trim()})`,
        );
        for (const t of r.top ?? []) {
          console.log(`    ${kib(t.bytes)} KiB ${t.count.toFixed(1).padStart(6)} × ${t.name}`);
        }
      }
    }
  } finally {
    rmSync(certDir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--peer') await peer(...process.argv.slice(3, 8));
else if (process.argv[2] === '--measure') {
  const [stackName, role, certDir, version, count, top, warmup] = process.argv.slice(3);
  await measure(stackName, role, certDir, version, Number(count), Number(top), Number(warmup));
} else await main();
