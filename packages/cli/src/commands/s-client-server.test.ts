import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSClient } from './s-client.js';
import { runSServer } from './s-server.js';

const dir = mkdtempSync(join(tmpdir(), 'sclient-'));
const children: ChildProcess[] = [];
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

async function* lines(text: string) {
  yield text;
}

describe('sslsocket s_client and s_server', () => {
  it('s_client against openssl s_server -www prints the summary lines and the page', async () => {
    const key = join(dir, 'k.pem');
    const cert = join(dir, 'c.pem');
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
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
        '-days',
        '1',
      ],
      { stdio: 'ignore' },
    );
    const port = await freePort();
    const server = spawn('openssl', ['s_server', '-accept', String(port), '-cert', cert, '-key', key, '-www'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    children.push(server);
    await new Promise<void>((resolve) =>
      server.stdout?.on('data', (d: Buffer) => d.toString().includes('ACCEPT') && resolve()),
    );
    const { io, streams } = capture();
    const code = await runSClient(
      ['-connect', `127.0.0.1:${port}`, '-CAfile', cert, '-servername', 'localhost', '-verify_return_error'],
      streams,
      lines('GET / HTTP/1.0\r\n\r\n'),
    );
    expect(code).toBe(0);
    expect(io.err.split('\n')).toEqual(
      expect.arrayContaining([
        'Protocol: TLSv1.3',
        'Group: x25519',
        'Signature: ecdsa_secp256r1_sha256',
        'ALPN: none',
        'Resumed: no',
        'Verify: OK',
        'EarlyData: none',
      ]),
    );
    expect(io.err).toMatch(/^Cipher: TLS_AES_(128|256)_GCM_SHA(256|384)$/m);
    expect(io.out).toContain('HTTP/1.0 200 ok');
    // Without a trusted CA and without -verify_return_error, the failure is reported, not fatal.
    const report = capture();
    await runSClient(
      ['-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-brief'],
      report.streams,
      lines(''),
    );
    expect(report.io.err).toContain('Verify: selfsigned_peer');
    const strict = capture();
    expect(
      await runSClient(
        ['-connect', `127.0.0.1:${port}`, '-servername', 'localhost', '-verify_return_error'],
        strict.streams,
        lines(''),
      ),
    ).toBe(1);
    expect(strict.io.err).toMatch(/^error: /m);
  });

  it('openssl s_client gets the -www page from s_server', async () => {
    const port = await freePort();
    const { io, streams } = capture();
    const serving = runSServer(['-accept', `127.0.0.1:${port}`, '-www', '-naccept', '1'], streams);
    for (let i = 0; i < 100 && !io.out.includes('ACCEPT'); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(io.out).toContain('ACCEPT');
    const client = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-quiet'], {
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    children.push(client);
    let page = '';
    client.stdout.on('data', (d: Buffer) => {
      page += d.toString();
    });
    client.stdin.write('GET / HTTP/1.0\r\n\r\n');
    expect(await serving).toBe(0);
    await new Promise((resolve) => client.once('exit', resolve));
    expect(page).toContain('HTTP/1.0 200 ok');
    expect(page).toContain('Protocol  : TLSv1.3');
  });

  it('rejects bad flags with exit 2', async () => {
    const { io, streams } = capture();
    expect(await runSClient(['-connect', 'nowhere'], streams, lines(''))).toBe(2);
    expect(io.err).toMatch(/expected \[HOST:\]PORT/);
    expect(await runSServer(['-accept', '1', '-no_such_flag'], streams)).toBe(2);
  });
});
