import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSClient } from './s-client.js';
import { runSServer } from './s-server.js';

const dir = mkdtempSync(join(tmpdir(), 'early-'));
const children: ChildProcess[] = [];
const key = join(dir, 'k.pem');
const cert = join(dir, 'c.pem');
const early = join(dir, 'early.txt');

beforeAll(() => {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
    ].concat(['-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost', '-days', '1']),
    { stdio: 'ignore' },
  );
  writeFileSync(early, 'zero-rtt-hello\n');
});

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function capture() {
  const io = { out: '', err: '' };
  return { io, streams: { stdout: (t: string) => (io.out += t), stderr: (t: string) => (io.err += t) } };
}

async function* nothing() {
  yield '';
}

/** Input that ends only after a pause: OpenSSL sends its tickets lazily, after the handshake. */
async function* pause() {
  await new Promise((resolve) => setTimeout(resolve, 300));
  yield '';
}

describe('TLS 1.3 early data in s_client and s_server', () => {
  it('s_client -sess_in -early_data against openssl s_server -early_data: EarlyData: accepted', async () => {
    const port = await freePort();
    // stdin stays open: s_server (without -www) stops at end of input.
    const server = spawn('openssl', ['s_server', '-accept', String(port), '-cert', cert, '-key', key, '-early_data'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.push(server);
    let output = '';
    server.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    await new Promise<void>((resolve) => server.stdout?.on('data', () => output.includes('ACCEPT') && resolve()));
    const sess = join(dir, 'sess.json');
    const base = ['-connect', `127.0.0.1:${port}`, '-CAfile', cert, '-servername', 'localhost'];
    const first = capture();
    expect(await runSClient([...base, '-sess_out', sess], first.streams, pause())).toBe(0);
    const second = capture();
    const code = await runSClient([...base, '-sess_in', sess, '-early_data', early], second.streams, nothing());
    expect(code).toBe(0);
    expect(second.io.err).toContain('Resumed: yes');
    expect(second.io.err).toContain('EarlyData: accepted');
    for (let i = 0; i < 100 && !output.includes('zero-rtt-hello'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(output).toContain('zero-rtt-hello');
  });

  it('openssl s_client -early_data reaches our s_server -early_data', async () => {
    const port = await freePort();
    const { io, streams } = capture();
    const serving = runSServer(['-accept', `127.0.0.1:${port}`, '-early_data', '-naccept', '2'], streams);
    for (let i = 0; i < 100 && !io.out.includes('ACCEPT'); i++) await new Promise((r) => setTimeout(r, 20));
    const sess = join(dir, 'ossl-sess.pem');
    const run = (args: string[]) =>
      new Promise<string>((resolve) => {
        const client = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, ...args], {
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        children.push(client);
        let out = '';
        client.stdout.on('data', (d: Buffer) => {
          out += d.toString();
        });
        setTimeout(() => client.stdin.end(), 300);
        client.once('exit', () => resolve(out));
      });
    await run(['-sess_out', sess]);
    const out = await run(['-sess_in', sess, '-early_data', early]);
    expect(out).toContain('Early data was accepted');
    expect(await serving).toBe(0);
    expect(io.out).toContain('zero-rtt-hello');
  });
});
