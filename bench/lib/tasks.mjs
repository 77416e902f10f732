// What one sample measures, the same code for every stack (see stacks.mjs). Each returns a number:
// MB/s, handshakes/s, milliseconds or bytes per connection.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { aeadBound } from './aead-bound.mjs';
import { idleMemory } from './idle-memory.mjs';
import { negotiationMismatch } from './negotiated.mjs';
import { PatternChecker, patternAt } from './pattern.mjs';

/**
 * The server side of a bulk sample: `bytes` of the pattern in writes of `writeSize`, then end;
 * `onStart` is called just before the first write.
 */
export async function sendPattern(connection, bytes, writeSize, onStart) {
  onStart?.();
  for (let sent = 0; sent < bytes; sent += writeSize) {
    const pending = connection.write(patternAt(sent, Math.min(writeSize, bytes - sent)));
    if (pending !== undefined) await pending;
  }
  connection.end();
}

/**
 * Serves one bulk connection and resolves with the server once it listens. A connection that did
 * not negotiate the row's version and suite is dropped unsent, `onMismatch` told why.
 */
export function bulkServer(stack, { cfg, bytes, writeSize }, onStart, onMismatch) {
  return stack.createServer(cfg, (connection) => {
    const mismatch = negotiationMismatch(connection, cfg);
    if (mismatch !== undefined) {
      (onMismatch ?? console.error)(`${stack.name} server: ${mismatch}`);
      connection.destroy();
      return;
    }
    sendPattern(connection, bytes, writeSize, onStart).catch((error) => {
      console.error(`bench: ${stack.name} server: ${error.message}`);
    });
  });
}

/** A bulk server of `stackName` in a process of its own; resolves with its port and a stop(). */
function remoteBulkServer(stackName, args) {
  const worker = fileURLToPath(new URL('./worker.mjs', import.meta.url));
  const child = spawn(process.execPath, [worker, 'serve', stackName, JSON.stringify(args)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (data) => {
      output += data;
      const line = output.split('\n').find((text) => text.startsWith('port '));
      if (line !== undefined) resolve({ port: Number(line.slice(5)), close: async () => child.kill() });
    });
    child.once('exit', (code) => reject(new Error(`bulk server exited with ${code}`)));
  });
}

/**
 * MB/s of `bytes` server → client over loopback TCP, every byte checked by the client. The clock
 * runs from connect() to the end of the stream, handshake included; with `transferOnly` (server in
 * this process only) it starts when the server begins its first write: the data phase alone, for
 * rows compared with a bound that has no handshake in it.
 */
export async function bulk(stack, args) {
  const { cfg, bytes, transferOnly = false } = args;
  if (transferOnly && args.remote) throw new Error('transferOnly needs the server in this process');
  let start = 0;
  const dataStarts = () => {
    if (transferOnly) start = performance.now();
  };
  let mismatch;
  const onMismatch = (reason) => {
    mismatch ??= new Error(reason);
  };
  const server = args.remote
    ? await remoteBulkServer(stack.name, args)
    : await bulkServer(stack, args, dataStarts, onMismatch);
  try {
    const checker = new PatternChecker();
    start = performance.now();
    const client = await stack.connect(server.port, cfg);
    const clientMismatch = negotiationMismatch(client, cfg);
    if (clientMismatch !== undefined) onMismatch(`${stack.name} client: ${clientMismatch}`);
    // The first mismatch is kept and thrown below: some stacks swallow what their data callback
    // throws, which would otherwise read as a short stream rather than a wrong byte.
    client.onData((data) => {
      if (mismatch !== undefined) return;
      try {
        checker.check(data);
      } catch (error) {
        mismatch = error;
        client.destroy();
      }
    });
    await client.ended;
    const seconds = (performance.now() - start) / 1000;
    client.destroy();
    if (mismatch !== undefined) throw mismatch;
    if (checker.position !== bytes) throw new Error(`${stack.name} received ${checker.position} of ${bytes} bytes`);
    return bytes / seconds / 1e6;
  } finally {
    await server.close();
  }
}

/**
 * A server that keeps each connection until the client leaves (so its session tickets go out).
 * `check()` throws when its first connection did not negotiate the row's version and suite (the
 * first only: the check stays out of the timed connections' way).
 */
async function holdingServer(stack, cfg, greeting) {
  let checked = false;
  let mismatch;
  const server = await stack.createServer(cfg, (connection) => {
    if (!checked) {
      checked = true;
      mismatch = negotiationMismatch(connection, cfg);
    }
    if (greeting !== undefined) connection.write(greeting);
    connection.onData(() => undefined);
    connection.ended.then(() => connection.destroy());
  });
  return {
    ...server,
    check() {
      if (mismatch !== undefined) throw new Error(`${stack.name} server: ${mismatch}`);
    },
  };
}

/** A session to resume, from one full handshake (RFC 8446 §4.6.1 ticket, or RFC 5077 / session id). */
async function firstSession(stack, port, cfg) {
  const first = await stack.connect(port, cfg);
  const session = await Promise.race([
    first.session(),
    new Promise((_, reject) => setTimeout(() => reject(new Error(`${stack.name}: no session to resume`)), 5000)),
  ]);
  first.destroy();
  return session;
}

/**
 * Handshakes per second: up to `count` connections (or as many as fit in `seconds`, at least 3),
 * `parallel` at a time, each closed at once.
 */
export async function handshakes(
  stack,
  { cfg, count, seconds = Number.POSITIVE_INFINITY, parallel = 1, resumed = false },
) {
  const server = await holdingServer(stack, cfg);
  try {
    const session = resumed ? await firstSession(stack, server.port, cfg) : undefined;
    let next = 0;
    let done = 0;
    const start = performance.now();
    const deadline = start + seconds * 1000;
    const worker = async () => {
      while (next < count && (next < 3 || performance.now() < deadline)) {
        next++;
        const connection = await stack.connect(server.port, cfg, session);
        if (resumed && !connection.resumed()) throw new Error(`${stack.name} did not resume`);
        connection.destroy();
        done++;
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    const perSecond = done / ((performance.now() - start) / 1000);
    server.check();
    return perSecond;
  } finally {
    await server.close();
  }
}

/** Median milliseconds from connect() to the first application byte the server sends unasked. */
export async function timeToFirstByte(stack, { cfg, count, resumed = false }) {
  const greeting = Uint8Array.of(0x2a);
  const server = await holdingServer(stack, cfg, greeting);
  try {
    const session = resumed ? await firstSession(stack, server.port, cfg) : undefined;
    const times = [];
    for (let i = 0; i < count; i++) {
      const start = performance.now();
      let connection;
      await new Promise((resolve, reject) => {
        stack.connect(server.port, cfg, session).then((c) => {
          connection = c;
          c.onData((data) => {
            if (data[0] !== 0x2a) reject(new Error('unexpected first byte'));
            resolve();
          });
        }, reject);
      });
      times.push(performance.now() - start);
      if (resumed && !connection.resumed()) throw new Error(`${stack.name} did not resume`);
      connection.destroy();
    }
    server.check();
    times.sort((a, b) => a - b);
    return times[times.length >> 1];
  } finally {
    await server.close();
  }
}

export const TASKS = { bulk, handshakes, ttfb: timeToFirstByte, memory: idleMemory, aeadBound };
