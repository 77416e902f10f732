import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSClient } from './s-client.js';
import { runSServer } from './s-server.js';

const dir = mkdtempSync(join(tmpdir(), 'sclient12-'));
const children: ChildProcess[] = [];
const key = join(dir, 'k.pem');
const cert = join(dir, 'c.pem');
const PSK = '00112233445566778899aabbccddeeff';

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

async function* lines(text: string) {
  yield text;
}

async function opensslServer(args: string[]): Promise<number> {
  const port = await freePort();
  const server = spawn('openssl', ['s_server', '-accept', String(port), ...args], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  children.push(server);
  await new Promise<void>((resolve) =>
    server.stdout?.on('data', (d: Buffer) => d.toString().includes('ACCEPT') && resolve()),
  );
  return port;
}

async function ourServer(args: string[]): Promise<{ port: number; serving: Promise<number> }> {
  const port = await freePort();
  const { io, streams } = capture();
  const serving = runSServer(['-accept', `127.0.0.1:${port}`, ...args], streams);
  for (let i = 0; i < 100 && !io.out.includes('ACCEPT'); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(io.out).toContain('ACCEPT');
  return { port, serving };
}

function opensslClient(port: number, args: string[], input: string): Promise<string> {
  const client = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(client);
  let out = '';
  client.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  client.stderr.on('data', (d: Buffer) => {
    out += d.toString();
  });
  client.stdin.write(input);
  return new Promise((resolve) => client.once('exit', () => resolve(out)));
}

describe('sslsocket s_client and s_server over TLS 1.2', () => {
  it('s_client -tls1_2 against openssl s_server -www: summary lines, page, and -reconnect resumes', async () => {
    const port = await opensslServer(['-cert', cert, '-key', key, '-www', '-tls1_2']);
    const { io, streams } = capture();
    const args = ['-connect', `127.0.0.1:${port}`, '-CAfile', cert, '-servername', 'localhost', '-verify_return_error'];
    expect(await runSClient([...args, '-tls1_2'], streams, lines('GET / HTTP/1.0\r\n\r\n'))).toBe(0);
    expect(io.err.split('\n')).toEqual(
      expect.arrayContaining([
        'Protocol: TLSv1.2',
        'Group: x25519',
        'Signature: ecdsa_secp256r1_sha256',
        'ALPN: none',
        'Resumed: no',
        'Verify: OK',
        'EarlyData: none',
      ]),
    );
    expect(io.err).toMatch(/^Cipher: TLS_ECDHE_ECDSA_WITH_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256)$/m);
    expect(io.out).toContain('HTTP/1.0 200 ok');
    const again = capture();
    expect(await runSClient([...args, '-tls1_2', '-reconnect'], again.streams, lines(''))).toBe(0);
    expect(again.io.err.match(/^Resumed: yes$/gm)?.length).toBe(5);
  });

  it('openssl s_client -tls1_2 gets the -www page from our s_server', async () => {
    const { port, serving } = await ourServer(['-www', '-naccept', '1', '-cipher', 'ECDHE-ECDSA-AES256-SHA384']);
    const page = await opensslClient(port, ['-tls1_2', '-quiet'], 'GET / HTTP/1.0\r\n\r\n');
    expect(await serving).toBe(0);
    expect(page).toContain('HTTP/1.0 200 ok');
    expect(page).toContain('Protocol  : TLSv1.2');
    expect(page).toContain('TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384');
  });

  it('PSK both ways: s_client -psk against openssl, openssl s_client -psk against s_server', async () => {
    const port = await opensslServer([
      '-nocert',
      '-psk',
      PSK,
      '-psk_identity',
      'me',
      '-www',
      '-tls1_2',
      '-cipher',
      'PSK',
    ]);
    const { io, streams } = capture();
    const code = await runSClient(
      ['-connect', `127.0.0.1:${port}`, '-psk', PSK, '-psk_identity', 'me', '-tls1_2', '-cipher', 'PSK', '-brief'],
      streams,
      lines(''),
    );
    expect(io.err).toMatch(/^Cipher: TLS_(ECDHE_|DHE_)?PSK_WITH_/m);
    expect(code).toBe(0);
    const ours = await ourServer(['-www', '-naccept', '1', '-psk', PSK, '-psk_identity', 'you', '-psk_hint', 'h']);
    const page = await opensslClient(
      ours.port,
      ['-tls1_2', '-psk', PSK, '-psk_identity', 'you', '-cipher', 'PSK', '-quiet'],
      'GET / HTTP/1.0\r\n\r\n',
    );
    expect(await ours.serving).toBe(0);
    expect(page).toMatch(/TLS_(ECDHE_|DHE_)?PSK_WITH_/);
  });
});
