// Shared by the CLI tests (not part of the built package): ports, captured output, an OpenSSL
// certificate, and child processes that are always killed.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A CommandIo that records what a command prints. */
export function capture() {
  const io = { out: '', err: '' };
  return { io, streams: { stdout: (t: string) => (io.out += t), stderr: (t: string) => (io.err += t) } };
}

/**
 * Standard input that yields `text` once, optionally after `delayMs`, or once `ready()` holds
 * (checked every 20 ms, for up to 20 s): an event to wait for, not a guess at how long it takes.
 */
export async function* input(text: string, delay: number | (() => boolean) = 0): AsyncGenerator<string> {
  if (typeof delay === 'function') await until(delay, 20_000);
  else if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  yield text;
}

/** A scratch directory, OpenSSL processes started in it, and an ECDSA P-256 localhost certificate. */
export class Workspace {
  readonly dir: string;
  readonly key: string;
  readonly cert: string;
  private readonly children: ChildProcess[] = [];

  constructor(prefix: string) {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
    this.key = join(this.dir, 'k.pem');
    this.cert = join(this.dir, 'c.pem');
  }

  /** Makes the self-signed certificate (CN and SAN localhost, one day). */
  makeCertificate(): void {
    const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    args.push('-keyout', this.key, '-out', this.cert, '-subj', '/CN=localhost');
    args.push('-addext', 'subjectAltName=DNS:localhost', '-days', '1');
    // An end-entity certificate with its purpose, as the webpki profile (the default) requires.
    args.push('-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'extendedKeyUsage=serverAuth,clientAuth');
    execFileSync('openssl', args, { stdio: 'ignore' });
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  /** Spawns openssl; stdin stays open (s_server without -www stops at end of input). */
  openssl(args: string[]): ChildProcess & { output: () => string } {
    const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.children.push(child);
    let output = '';
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    return Object.assign(child, { output: () => output });
  }

  /** Starts `openssl s_server` on a free port and waits for ACCEPT. */
  async opensslServer(args: string[]): Promise<{ port: number; output: () => string }> {
    const port = await freePort();
    const server = this.openssl(['s_server', '-accept', String(port), ...args]);
    for (let i = 0; i < 500 && !server.output().includes('ACCEPT'); i++) await sleep(20);
    return { port, output: server.output };
  }

  /**
   * Runs `openssl s_client` to the end and returns everything it printed. Its stdin ends after
   * `endAfter` ms, or once `endAfter(output)` holds (checked every 20 ms, for up to 20 s).
   */
  opensslClient(
    port: number,
    args: string[],
    stdin: string,
    endAfter?: number | ((output: string) => boolean),
  ): Promise<string> {
    const client = this.openssl(['s_client', '-connect', `127.0.0.1:${port}`, ...args]);
    client.stdin?.write(stdin);
    if (typeof endAfter === 'function') {
      void until(() => endAfter(client.output()), 20_000).then(() => client.stdin?.end());
    } else if (endAfter !== undefined) setTimeout(() => client.stdin?.end(), endAfter);
    return new Promise((resolve) => client.once('exit', () => resolve(client.output())));
  }

  dispose(): void {
    for (const child of this.children) child.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `done()` holds, checking every 20 ms, for up to `ms`. */
export async function until(done: () => boolean, ms = 2000): Promise<void> {
  for (let waited = 0; waited < ms && !done(); waited += 20) await sleep(20);
}

/** Runs our `s_server` with `args` on a free port and waits for ACCEPT. */
export async function ourServer(
  args: string[],
): Promise<{ port: number; serving: Promise<number>; out: () => string }> {
  const { runSServer } = await import('../commands/s-server.js');
  const port = await freePort();
  const { io, streams } = capture();
  const serving = runSServer(['-accept', `127.0.0.1:${port}`, ...args], streams);
  await until(() => io.out.includes('ACCEPT'));
  if (!io.out.includes('ACCEPT')) throw new Error(`s_server did not start: ${io.err}`);
  return { port, serving, out: () => io.out };
}
