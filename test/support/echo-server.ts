// The echo server under load in a child process of its own (test/support/echo-process.mjs): the
// load clients run in the test's process, so the server's RSS, heap and handles are its own.
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerOptions } from 'sslsocket';
import type { TestCa } from './peers.js';

/** What the server process reports about itself. */
export interface ServerStats {
  readonly pid: number;
  readonly rss: number;
  /** RssAnon and RssFile of /proc/self/status (Linux; else 0): heap pages and mapped files (code). */
  readonly rssAnon: number;
  readonly rssFile: number;
  /** Highest RSS seen since the server started listening (sampled every 25 ms). */
  readonly peakRss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly arrayBuffers: number;
  /** `v8.getHeapSpaceStatistics()`: used bytes per heap space. */
  readonly heapSpaces: Record<string, number>;
  /** Open TCP connections (`TCPSocketWrap`), the listening socket not counted. */
  readonly tcpHandles: number;
  readonly timers: number;
  /** `process.getActiveResourcesInfo()` counted by name. */
  readonly resources: Record<string, number>;
  /** Connections whose echo task ended (either way). */
  readonly served: number;
  /** Why handshakes failed (error name and alert), with counts. */
  readonly failures: Record<string, number>;
  /** Established connections of our server that ended with an error (a cut flood ...), with counts. */
  readonly ended: Record<string, number>;
  readonly queue?: { readonly queued: number; readonly refused: number };
  /** Event-loop delay since the server started listening (ms; `monitorEventLoopDelay`, 10 ms resolution). */
  readonly eventLoopDelayMs: { readonly p50: number; readonly p99: number; readonly max: number };
}

export interface EchoProcess {
  readonly port: number;
  /** The figures right after listening (after gc), the baseline. */
  readonly baseline: ServerStats;
  /** The figures now; with `settle`, after three full GCs and a short pause. */
  stats(settle?: boolean): Promise<ServerStats>;
  /** Stops the server, collects its final figures and waits for the process to exit. */
  close(): Promise<ServerStats>;
  /** Ends the process at once (cleanup after a failed test); nothing if it has exited. */
  kill(): void;
}

const script = fileURLToPath(new URL('./echo-process.mjs', import.meta.url));

/**
 * Starts `kind`'s echo server (ours or node:tls's) with the test leaf in a child process.
 * `execArgv` adds node flags (e.g. `--cpu-prof`); `env` adds environment (e.g. `MALLOC_ARENA_MAX`).
 */
export async function startEchoProcess(
  kind: 'sslsocket' | 'node',
  ca: TestCa,
  options: ServerOptions = {},
  run: { execArgv?: readonly string[]; env?: Record<string, string> } = {},
): Promise<EchoProcess> {
  const child = fork(script, [kind], {
    execArgv: ['--expose-gc', ...(run.execArgv ?? [])],
    env: { ...process.env, ...run.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ask = <T>(message: object): Promise<T> => request<T>(child, message);
  const started = await ask<ServerStats & { port: number }>({
    start: { cert: ca.leaf.certificatePem, key: ca.leaf.keyPem, options },
  });
  const { port, ...baseline } = started;
  return {
    port,
    baseline,
    stats: (settle = false) => ask<ServerStats>({ stats: { settle } }),
    close: async () => {
      const final = await ask<ServerStats>({ close: true });
      await exited;
      return final;
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill();
    },
  };
}

/** Sends `message` and resolves with the next reply; rejects if the child exits first. */
function request<T>(child: ChildProcess, message: object): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onExit = (code: number | null): void => {
      child.off('message', onMessage);
      reject(
        new Error(`echo server process exited (${code}) before answering ${JSON.stringify(Object.keys(message))}`),
      );
    };
    const onMessage = (reply: unknown): void => {
      child.off('exit', onExit);
      resolve(reply as T);
    };
    child.once('message', onMessage);
    child.once('exit', onExit);
    child.send(message);
  });
}
