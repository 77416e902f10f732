// The node:cluster + Redis resumption scenario, shared by `npm test` (src/cluster.test.ts) and
// `npm run interop` (interop/run.mjs): a real redis-server on a free port (no persistence), a
// two-worker cluster server sharing it, and clients that connect again and again, each time with the
// session the previous connection got. The primary deals connections round-robin, so every
// connection lands on the other worker and must resume there. Checks throw plain Errors.
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCaChain } from '@sslsocket/pkix';
import { rotateTicketKeys } from '@sslsocket/session-store-redis';
import { Redis } from 'ioredis';
import { connect } from 'sslsocket';

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** redis-server: $REDIS_SERVER, else the first on PATH, else Debian's /usr/bin/redis-server. */
export const REDIS_SERVER =
  process.env.REDIS_SERVER ??
  (process.env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, 'redis-server'))
    .find(executable) ??
  '/usr/bin/redis-server';
const CLUSTER_SERVER = fileURLToPath(new URL('./cluster-server.mjs', import.meta.url));
/** The three ways the fleet shares resumption state. */
export const MODES = ['tls13-stateless', 'tls13-stateful', 'tls12-ids'];

export function hasRedisServer() {
  return executable(REDIS_SERVER);
}

function fail(message) {
  throw new Error(message);
}

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves with the first stdout line matching `pattern`; rejects if the process exits or after `ms`. */
function waitForLine(child, pattern, ms, what) {
  return new Promise((resolve, reject) => {
    let seen = '';
    let errors = '';
    const timer = setTimeout(() => reject(new Error(`${what}: no "${pattern}" within ${ms} ms: ${seen}${errors}`)), ms);
    child.stderr.on('data', (d) => {
      errors += d;
    });
    child.stdout.on('data', (d) => {
      seen += d;
      const match = seen.match(pattern);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}): ${seen}${errors}`));
    });
  });
}

async function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Starts redis-server on a free port without persistence, with `extraArgs` added: `{ port, client, stop() }`. */
export async function startRedis(extraArgs = []) {
  if (!hasRedisServer()) fail(`${REDIS_SERVER} is not installed (Debian package redis-server)`);
  const port = await freePort();
  const child = spawn(REDIS_SERVER, [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    ...extraArgs,
  ], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitForLine(child, /Ready to accept connections/, 15000, 'redis-server');
  const client = new Redis(port, '127.0.0.1', { maxRetriesPerRequest: 2 });
  return {
    port,
    client,
    async stop() {
      client.disconnect();
      await stopProcess(child);
    },
  };
}

/**
 * Starts the two-worker cluster server on the Redis of `redis` (from startRedis), with entries living
 * `lifetime` seconds: `{ ports: { [mode]: port }, ca, redis, lifetime, prefix, stop() }`.
 */
export async function startFleet(redis, { lifetime = 3 } = {}) {
  const chain = await generateCaChain({ altNames: ['server.test'] });
  const prefix = 'sslsocket-test:';
  // Stateless tickets need keys in Redis before the first handshake.
  await rotateTicketKeys(redis.client, { key: `${prefix}tls13-stateless:ticket-keys` });
  const child = spawn(process.execPath, [CLUSTER_SERVER], {
    env: {
      ...process.env,
      REDIS_PORT: String(redis.port),
      PREFIX: prefix,
      LIFETIME: String(lifetime),
      CERT_PEM: chain.leaf.certificatePem,
      KEY_PEM: chain.leaf.keyPem,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const match = await waitForLine(child, /PORTS (\{.*\})/, 30000, 'cluster server');
  return {
    ports: JSON.parse(match[1]),
    ca: chain.ca.certificatePem,
    redis,
    lifetime,
    prefix,
    stop: () => stopProcess(child),
  };
}

/** One connection: which worker answered, whether both sides resumed, and the session it got. */
async function connectOnce(port, ca, version, session) {
  const socket = await connect('127.0.0.1', port, {
    cacerts: [ca],
    serverNameIndication: 'server.test',
    versions: [version],
    reuseSessions: false,
    ...(session === undefined ? {} : { reuseSession: session }),
  });
  const sessions = [];
  socket.on('session', (s) => sessions.push(s));
  const text = new TextDecoder().decode(await socket.recv(0, 5000));
  const match = text.match(/^worker (\d+) resumed=(true|false)$/) ?? fail(`unexpected greeting ${JSON.stringify(text)}`);
  for (let i = 0; i < 200 && sessions.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  const resumed = socket.connectionInformation().sessionResumption;
  await socket.close({ timeoutMs: 500 }).catch(() => undefined);
  if (sessions.length === 0) fail(`connection to worker ${match[1]} gave no session`);
  return { worker: Number(match[1]), serverResumed: match[2] === 'true', resumed, session: sessions.at(-1) };
}

async function sessionKeys(redis, prefix) {
  return (await redis.keys(`${prefix}*`)).filter((k) => !k.endsWith('ticket-keys'));
}

/**
 * Runs `mode` on `fleet` (from startFleet): `connections` connections, each resuming the previous
 * one's session on the other worker; for the store modes, the one entry's TTL is the fleet's
 * lifetime and it is gone after it, so the last session no longer resumes. Returns a one-line
 * summary; throws on the first broken expectation.
 */
export async function runClusterScenario(mode, fleet, { connections = 6 } = {}) {
  if (!MODES.includes(mode)) fail(`unknown mode ${mode}`);
  const { redis, lifetime } = fleet;
  const prefix = `${fleet.prefix}${mode}:`;
  const port = fleet.ports[mode];
  const version = mode === 'tls12-ids' ? 'tlsv1.2' : 'tlsv1.3';
  const ticketKeys = `${prefix}ticket-keys`;
  const results = [];
  let session;
  for (let i = 0; i < connections; i++) {
    // Halfway, the fleet's ticket keys rotate: tickets sealed before still resume.
    if (mode === 'tls13-stateless' && i === connections / 2) {
      await rotateTicketKeys(redis.client, { key: ticketKeys });
      if ((await redis.client.llen(ticketKeys)) !== 3) fail('the rotation did not keep 3 keys');
    }
    const r = await connectOnce(port, fleet.ca, version, session);
    results.push(r);
    session = r.session;
    if (i > 0) {
      const before = results[i - 1].worker;
      if (r.worker === before) fail(`connection ${i} landed on worker ${r.worker} again (round-robin expected)`);
      if (!r.resumed || !r.serverResumed)
        fail(`connection ${i} on worker ${r.worker} did not resume worker ${before}'s session`);
    } else if (r.resumed) fail('the first connection claims resumption');
  }
  const summary = `${mode}: workers ${results.map((r) => r.worker).join(',')}, resumed ${results.map((r) => (r.resumed ? 'y' : 'n')).join('')}`;
  if (mode === 'tls13-stateless') return summary;
  // One full handshake made one entry; resumptions add none (TLS 1.2) or replace the used ticket (TLS 1.3, single use).
  const keys = await sessionKeys(redis.client, prefix);
  if (keys.length !== 1) fail(`expected 1 session entry in Redis, found ${keys.length}`);
  const ttl = await redis.client.pttl(keys[0]);
  if (!(ttl > 0 && ttl <= lifetime * 1000)) fail(`entry TTL ${ttl} ms is not within (0, ${lifetime * 1000}]`);
  const deadline = Date.now() + lifetime * 1000 + 5000;
  while ((await sessionKeys(redis.client, prefix)).length > 0) {
    if (Date.now() > deadline) fail(`the entry outlived its ${lifetime} s lifetime`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const late = await connectOnce(port, fleet.ca, version, session);
  if (late.resumed || late.serverResumed) fail('a session resumed after its Redis entry expired');
  return `${summary}; entry TTL ${ttl} ms of ${lifetime * 1000}, gone after it, then a full handshake`;
}
