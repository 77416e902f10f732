// The load harness shared by the short load test (npm test) and the long one (npm run test:stress):
// good node:tls clients that check every byte with SHA-256, and hostile connections beside them,
// against an echo server in its own process (test/support/echo-server.ts).
import { createHash, randomBytes } from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { ContentType, injectRecords } from './hostile.js';
import { ourClient, record, sleep, type TestCa } from './peers.js';

export interface GoodResult {
  readonly handshakeMs: number;
  readonly bytes: number;
  readonly ok: boolean;
  readonly error?: string;
}

/**
 * One well-behaved node:tls client: handshake (TLS 1.3 or 1.2), random-sized writes, half-close,
 * then checks the SHA-256 of everything echoed against what it sent.
 */
export function goodClient(
  port: number,
  ca: TestCa,
  version: 'TLSv1.3' | 'TLSv1.2',
  total: number,
): Promise<GoodResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    let handshakeMs = 0;
    const sent = createHash('sha256');
    const received = createHash('sha256');
    let receivedBytes = 0;
    let settled = false;
    const finish = (ok: boolean, error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ handshakeMs, bytes: receivedBytes, ok, ...(error === undefined ? {} : { error }) });
    };
    const timer = setTimeout(() => finish(false, 'timeout'), 120_000);
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      ca: ca.ca.certificatePem,
      servername: 'server.test',
      minVersion: version,
      maxVersion: version,
    });
    socket.on('error', (error) => finish(false, (error as NodeJS.ErrnoException).code ?? error.message));
    socket.once('secureConnect', () => {
      handshakeMs = performance.now() - started;
      let left = total;
      const pieces: Buffer[] = [];
      while (left > 0) {
        const size = Math.min(left, 1 + Math.floor(Math.random() * 16_384));
        const piece = randomBytes(size);
        sent.update(piece);
        pieces.push(piece);
        left -= size;
      }
      for (const piece of pieces) socket.write(piece);
      socket.end();
    });
    socket.on('data', (chunk: Buffer) => {
      received.update(chunk);
      receivedBytes += chunk.length;
    });
    socket.on('end', () => {
      const ok = receivedBytes === total && received.digest('hex') === sent.digest('hex');
      finish(ok, ok ? undefined : `echoed ${receivedBytes} of ${total} bytes`);
    });
  });
}

/** The hostile behaviours run beside the good clients. */
export const HOSTILE_KINDS = [
  'ccs-flood',
  'slow-hello',
  'hello-then-silence',
  'big-header',
  'reset',
  'garbage',
  'plain-http',
  'big-hello',
  'non-reader',
  'empty-flood',
  'warning-flood',
] as const;
export type HostileKind = (typeof HOSTILE_KINDS)[number];

/** One hostile connection; resolves when the server (or its timeout) has ended it, at most `capMs`. */
export function hostileClient(port: number, kind: HostileKind, capMs: number): Promise<void> {
  if (kind === 'empty-flood' || kind === 'warning-flood') return recordFlooder(port, kind, capMs);
  return new Promise((resolve) => {
    // A non-reader completes a real handshake, writes 4 MiB to the echo and never reads the answer.
    const nonReader = kind === 'non-reader';
    const socket = nonReader
      ? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false })
      : net.connect({ port, host: '127.0.0.1' });
    let timer: ReturnType<typeof setInterval> | undefined;
    const done = (): void => {
      if (timer !== undefined) clearInterval(timer);
      clearTimeout(cap);
      socket.destroy();
      resolve();
    };
    const cap = setTimeout(done, capMs);
    socket.on('error', done);
    socket.on('close', done);
    if (!nonReader) socket.on('data', () => undefined);
    socket.once(nonReader ? 'secureConnect' : 'connect', () => {
      const hello = record(22, Uint8Array.of(1, 0, 1, 0, 3, 3, ...new Uint8Array(60)), 0x0301);
      switch (kind) {
        case 'ccs-flood': {
          const burst = Buffer.concat(Array.from({ length: 100 }, () => record(20, Uint8Array.of(1))));
          timer = setInterval(() => socket.writable && socket.write(burst), 5);
          break;
        }
        case 'slow-hello': {
          let at = 0;
          timer = setInterval(() => {
            if (at < hello.length && socket.writable) socket.write(hello.subarray(at, ++at));
          }, 50);
          break;
        }
        case 'hello-then-silence':
          socket.write(hello.subarray(0, 30));
          break;
        case 'big-header':
          socket.write(Uint8Array.of(22, 3, 1, 0xff, 0xff));
          break;
        case 'reset':
          socket.write(hello.subarray(0, 20));
          setTimeout(() => socket.resetAndDestroy(), 20);
          break;
        case 'plain-http':
          socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
          break;
        case 'big-hello':
          // A ClientHello header announcing 200,000 bytes (no ClientHello can be that long).
          socket.write(Uint8Array.of(22, 3, 1, 0, 4, 1, 0x03, 0x0d, 0x40));
          break;
        case 'non-reader':
          for (let i = 0; i < 64; i++) socket.write(new Uint8Array(64 * 1024));
          break;
        default:
          socket.write(randomBytes(3000));
      }
    });
  });
}

/**
 * A flooder after a real handshake (our client, so it can write records the engine never would):
 * 2,000 empty TLS 1.3 application_data records, or 2,000 TLS 1.2 warning alerts, in one burst.
 * The server must cut it (test/hostile/floods.test.ts checks the alert); here it runs beside the
 * good clients. Resolves once the server has ended the connection, at most `capMs` after the
 * handshake (itself at most 15 s).
 */
async function recordFlooder(port: number, kind: 'empty-flood' | 'warning-flood', capMs: number): Promise<void> {
  const tls13 = kind === 'empty-flood';
  const versions = [tls13 ? 'tlsv1.3' : 'tlsv1.2'] as const;
  const client = await ourClient(port, { versions, reuseSessions: false, handshakeTimeoutMs: 15_000 }).catch(
    () => undefined,
  );
  if (client === undefined) return;
  injectRecords(
    client,
    tls13 ? ContentType.applicationData : ContentType.alert,
    tls13 ? new Uint8Array(0) : Uint8Array.of(1, 100),
    2000,
  );
  await client.recv(0, capMs).catch(() => undefined);
  await client.close({ timeoutMs: 100 }).catch(() => undefined);
}

/** Runs `tasks` with at most `limit` in flight. */
export async function bounded<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return results;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export interface LoadReport {
  readonly good: number;
  readonly failed: GoodResult[];
  readonly bytesChecked: number;
  readonly p50: number;
  readonly p99: number;
  readonly wallMs: number;
}

export interface LoadOptions {
  readonly good: number;
  readonly hostile: number;
  readonly concurrency: number;
  readonly bytesPerClient: number;
  readonly hostileCapMs: number;
  /** Delay between client starts (ms), so 1,000 connects do not all hit the listen backlog at once. */
  readonly rampMs?: number;
}

/** Runs `good` clients (at most `concurrency` at once) beside `hostile` attackers against `port`. */
export async function runLoad(port: number, ca: TestCa, options: LoadOptions): Promise<LoadReport> {
  const started = performance.now();
  const attackers = Array.from({ length: options.hostile }, (_, i) =>
    sleep(i * 5).then(() =>
      hostileClient(port, HOSTILE_KINDS[i % HOSTILE_KINDS.length] as HostileKind, options.hostileCapMs),
    ),
  );
  const results = await bounded(options.good, options.concurrency, async (i) => {
    if (options.rampMs !== undefined && i < options.concurrency) await sleep(i * options.rampMs);
    return goodClient(
      port,
      ca,
      i % 2 === 0 ? 'TLSv1.3' : 'TLSv1.2',
      1 + Math.floor(Math.random() * options.bytesPerClient),
    );
  });
  const wallMs = performance.now() - started;
  await Promise.all(attackers);
  const latencies = results.filter((r) => r.ok).map((r) => r.handshakeMs);
  return {
    good: results.filter((r) => r.ok).length,
    failed: results.filter((r) => !r.ok),
    bytesChecked: results.filter((r) => r.ok).reduce((n, r) => n + r.bytes, 0),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    wallMs,
  };
}
