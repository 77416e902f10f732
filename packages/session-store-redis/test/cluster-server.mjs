// A node:cluster TLS server for the session-store-redis tests: the primary forks two workers that
// listen on one shared port (the primary hands connections out round-robin) and share Redis for
// resumption, one listener per mode (tls13-stateless, tls13-stateful, tls12-ids). Each connection
// is answered with `worker <id> resumed=<bool>`. Environment: REDIS_PORT, PREFIX (each mode's keys
// are under PREFIX + mode + ':'), LIFETIME (seconds), CERT_PEM, KEY_PEM. The primary prints
// `PORTS {"<mode>": port, ...}` once both workers listen, and stops them on SIGTERM.
import cluster from 'node:cluster';
import { Redis } from 'ioredis';
import { listen } from 'sslsocket';
import { RedisSessionStore, redisTicketKeys } from '@sslsocket/session-store-redis';

const env = process.env;

if (cluster.isPrimary) {
  const workers = [cluster.fork(), cluster.fork()];
  let ready = 0;
  for (const worker of workers) {
    worker.on('message', (message) => {
      if (message?.ports === undefined) return;
      if (++ready === workers.length) process.stdout.write(`PORTS ${JSON.stringify(message.ports)}\n`);
    });
    worker.on('exit', (code, signal) => {
      if (!stopping) {
        process.stderr.write(`worker ${worker.id} exited (${code ?? signal})\n`);
        process.exit(1);
      }
    });
  }
  let stopping = false;
  process.on('SIGTERM', () => {
    stopping = true;
    let left = workers.length;
    for (const worker of workers) {
      worker.once('exit', () => {
        if (--left === 0) process.exit(0);
      });
      worker.kill('SIGTERM');
    }
  });
} else {
  const redis = new Redis(Number(env.REDIS_PORT), '127.0.0.1', { lazyConnect: false, maxRetriesPerRequest: 2 });
  const lifetime = Number(env.LIFETIME);
  const store = (mode) => new RedisSessionStore(redis, { prefix: `${env.PREFIX}${mode}:` });
  const byMode = {
    // Stateless tickets sealed with keys the fleet reads from Redis (and rotates there).
    'tls13-stateless': {
      ticketKeys: redisTicketKeys(redis, { key: `${env.PREFIX}tls13-stateless:ticket-keys`, refreshMs: 300 }),
    },
    // Stateful TLS 1.3 tickets: ids into the shared store.
    'tls13-stateful': { sessionTickets: 'stateful', sessionStore: store('tls13-stateful'), ticketLifetime: lifetime },
    // TLS 1.2 session ids in the shared store (no RFC 5077 tickets, so ids are what resumes).
    'tls12-ids': { sessionTickets: 'disabled', sessionStore: store('tls12-ids'), sessionLifetime: lifetime },
  };
  const servers = [];
  const ports = {};
  for (const [mode, options] of Object.entries(byMode)) {
    const server = await listen(0, { host: '127.0.0.1', cert: env.CERT_PEM, key: env.KEY_PEM, ...options });
    server.serve(
      async (socket) => {
        const info = socket.connectionInformation();
        await socket.send(`worker ${cluster.worker.id} resumed=${info.sessionResumption}`);
        for await (const _ of socket) {
          // The client only closes.
        }
        await socket.close({ timeoutMs: 500 }).catch(() => undefined);
      },
      { onError: (error) => process.stderr.write(`worker ${cluster.worker.id} ${mode}: ${error.message}\n`) },
    );
    servers.push(server);
    ports[mode] = server.address.port;
  }
  process.send({ ports });
  process.on('SIGTERM', async () => {
    await Promise.all(servers.map((server) => server.close().catch(() => undefined)));
    redis.disconnect();
    process.exit(0);
  });
}
