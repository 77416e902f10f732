// The echo server under load, in a process of its own (started by test/support/echo-server.ts), so
// its RSS, JS heap and handles are the server's alone and not the load clients' as well.
// `argv[2]` picks the server: `sslsocket` (our listener, an accept loop handing each transport to
// its own handshake + echo task, as #21 describes) or `node` (node:tls's, for comparison). It runs
// the built packages (`npm run build` first; `npm test` and `npm run test:stress` do).
//
// Messages from the parent (IPC): { start: { cert, key, options } } → { port };
// { stats: { settle } } → the figures below (settle: after gc() three times and a short pause);
// { close: true } → stops listening, closes every connection, → the final figures, then exits.
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as tls from 'node:tls';
import * as v8 from 'node:v8';

const kind = process.argv[2];
let served = 0;
const failures = new Map();
/** Established connections that ended with an error, by error. */
const ended = new Map();
let peakRss = process.memoryUsage.rss();
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 25);
sampler.unref();
// How long the event loop was blocked: a flood served in long synchronous runs would show here.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function settle() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc?.();
    await sleep(50);
  }
}

/** RssAnon / RssFile of /proc/self/status in bytes (Linux; 0 elsewhere): heap pages vs mapped code. */
function rssParts() {
  let status = '';
  try {
    status = readFileSync('/proc/self/status', 'latin1');
  } catch {
    return { rssAnon: 0, rssFile: 0 };
  }
  const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
  return { rssAnon: kib('RssAnon'), rssFile: kib('RssFile') };
}

/** How many times each name occurs. */
function counts(names) {
  const out = {};
  for (const name of names) out[name] = (out[name] ?? 0) + 1;
  return out;
}

/** Event-loop delay so far (taken before a settle, whose gc() calls would count otherwise). */
function loopDelayMs() {
  return { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
}

function stats() {
  const memory = process.memoryUsage();
  const resources = process.getActiveResourcesInfo();
  const spaces = Object.fromEntries(
    v8.getHeapSpaceStatistics().map((space) => [space.space_name, space.space_used_size]),
  );
  return {
    pid: process.pid,
    rss: memory.rss,
    ...rssParts(),
    peakRss,
    heapUsed: memory.heapUsed,
    heapTotal: memory.heapTotal,
    external: memory.external,
    arrayBuffers: memory.arrayBuffers,
    heapSpaces: spaces,
    tcpHandles: resources.filter((name) => name === 'TCPSocketWrap').length,
    timers: resources.filter((name) => name === 'Timeout').length,
    resources: counts(resources),
    served,
    failures: Object.fromEntries(failures),
    ended: Object.fromEntries(ended),
  };
}

/** Adds one to `error`'s name (and alert) in `map`. */
function count(map, error) {
  const why = error instanceof Error ? `${error.name} ${error.description ?? ''}`.trim() : '?';
  map.set(why, (map.get(why) ?? 0) + 1);
}

function fail(error) {
  count(failures, error);
}

/**
 * Our echo: by default the s_server-style loop (every accepted transport handshakes at once, up to
 * the listener's maxConcurrentHandshakes); with `serveLimit`, `listener.serve()`, which stops
 * accepting while that many handshakes run.
 */
async function ourServer({ cert, key, options: { serveLimit, ...options } }) {
  const { handshake, listen } = await import('sslsocket');
  const listener = await listen(0, { host: '127.0.0.1', cert, key, ...options });
  let open = true;
  const tasks = new Set();
  const serve = async (socket) => {
    try {
      for await (const chunk of socket) await socket.send(chunk);
    } catch (error) {
      // Hostile or reset peers end here (a cut flood: TlsAlert unexpected_message).
      count(ended, error);
    } finally {
      await socket.close({ timeoutMs: 1000 }).catch(() => undefined);
      served++;
    }
  };
  if (serveLimit !== undefined) {
    const onError = (error, socket) => {
      if (socket !== undefined) return;
      fail(error);
      served++;
    };
    const serving = listener.serve(serve, { maxConcurrentHandshakes: serveLimit, onError });
    return {
      port: listener.address.port,
      extra: () => ({ queue: listener.queue }),
      close: async () => {
        await listener.close();
        await serving.done;
      },
    };
  }
  const loop = (async () => {
    while (open) {
      const transport = await listener.transportAccept().catch(() => undefined);
      if (transport === undefined) continue;
      const task = handshake(transport).then(serve, (error) => {
        fail(error);
        served++;
      });
      tasks.add(task);
      void task.finally(() => tasks.delete(task));
    }
  })();
  return {
    port: listener.address.port,
    extra: () => ({ queue: listener.queue }),
    close: async () => {
      open = false;
      await listener.close();
      await loop.catch(() => undefined);
      await Promise.all([...tasks]);
    },
  };
}

async function nodeServer({ cert, key, options }) {
  const sockets = new Set();
  // allowHalfOpen stays false: each chunk is written back inside its 'data' event, so the end()
  // node makes after the client's close_notify/FIN comes after every echo. (With allowHalfOpen,
  // node:tls keeps a connection whose client sent FIN before finishing its handshake open until
  // handshakeTimeout, and the server would not be back to no connections when the clients are.)
  const server = tls.createServer({ cert, key, handshakeTimeout: options.handshakeTimeoutMs ?? 120_000 }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => socket.write(chunk));
    socket.on('close', () => {
      served++;
      sockets.delete(socket);
    });
  });
  server.on('tlsClientError', (error) => {
    fail(error);
    served++;
  });
  // Every TCP connection, handshaking or not: server.close() waits for all of them.
  const raw = new Set();
  server.on('connection', (socket) => {
    raw.add(socket);
    socket.on('close', () => raw.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: server.address().port,
    extra: () => ({}),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        for (const socket of raw) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

let server;
process.on('message', async (message) => {
  if (message.start !== undefined) {
    server = kind === 'node' ? await nodeServer(message.start) : await ourServer(message.start);
    await settle();
    peakRss = process.memoryUsage.rss();
    loopDelay.enable();
    process.send({ port: server.port, ...stats(), eventLoopDelayMs: loopDelayMs() });
  } else if (message.stats !== undefined) {
    const eventLoopDelayMs = loopDelayMs();
    if (message.stats.settle) await settle();
    process.send({ ...stats(), ...server.extra(), eventLoopDelayMs });
  } else if (message.close !== undefined) {
    const eventLoopDelayMs = loopDelayMs();
    await server.close();
    await settle();
    process.send({ ...stats(), eventLoopDelayMs }, () => process.exit(0));
  }
});
