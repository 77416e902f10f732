import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, input as lines, ourServer, sleep, until, Workspace } from '../test/support.js';
import { runSClient } from './s-client.js';
import { runSServer } from './s-server.js';

// Issue #22: the engine features as OpenSSL spells them on the command line: s_client -psk with
// -tls1_3, -enable_pha, -status; s_server -status_file and its stdin command c.

const ws = new Workspace('sclient-features-');
const PSK = '1a2b3c4d5e6f7081';

beforeAll(() => {
  ws.makeCertificate();
  // A real OCSP response for the (self-issued) certificate, made by openssl's responder.
  const serial = execFileSync('openssl', ['x509', '-in', ws.cert, '-noout', '-serial']).toString().trim().split('=')[1];
  writeFileSync(ws.path('index.txt'), `V\t301231000000Z\t\t${serial}\tunknown\t/CN=localhost\n`);
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: ws.dir, stdio: 'ignore' });
  run(['ocsp', '-issuer', ws.cert, '-cert', ws.cert, '-reqout', 'req.der']);
  run(
    ['ocsp', '-index', 'index.txt', '-rsigner', ws.cert, '-rkey', ws.key, '-CA', ws.cert, '-reqin', 'req.der'].concat([
      '-respout',
      'resp.der',
      '-ndays',
      '1',
    ]),
  );
});
afterAll(() => ws.dispose());

describe('s_client features against openssl s_server', () => {
  it('-psk with -tls1_3 against openssl s_server -psk -nocert (TLS 1.3 external PSK)', async () => {
    const { port } = await ws.opensslServer([
      '-psk',
      PSK,
      '-psk_identity',
      'Client_identity',
      '-nocert',
      '-tls1_3',
      '-www',
    ]);
    const { io, streams } = capture();
    const code = await runSClient(
      ['-connect', `127.0.0.1:${port}`, '-psk', PSK, '-tls1_3'],
      streams,
      lines('GET / HTTP/1.0\r\n\r\n'),
    );
    expect(io.err).toContain('Protocol: TLSv1.3');
    expect(io.out).toContain('HTTP/1.0 200 ok');
    expect(code).toBe(0);
  });

  it('-status prints the staple openssl s_server -status_file sends, or that none was sent', async () => {
    const staple = readFileSync(ws.path('resp.der'));
    for (const [extra, expected] of [
      [['-status_file', ws.path('resp.der')], `OCSP response: ${staple.length} bytes`],
      [[], 'OCSP response: no response sent'],
    ] as const) {
      const { port } = await ws.opensslServer(['-cert', ws.cert, '-key', ws.key, '-www', ...extra]);
      const { io, streams } = capture();
      const code = await runSClient(
        ['-connect', `127.0.0.1:${port}`, '-CAfile', ws.cert, '-servername', 'localhost', '-status'],
        streams,
        lines('GET / HTTP/1.0\r\n\r\n'),
      );
      expect(io.err.split('\n')).toContain(expected);
      expect(code).toBe(0);
    }
  });

  it("-enable_pha: answers openssl s_server's c command with -cert", async () => {
    const server = ws.openssl([
      's_server',
      '-accept',
      '0',
      '-cert',
      ws.cert,
      '-key',
      ws.key,
      '-verify',
      '1',
      '-CAfile',
      ws.cert,
      '-tls1_3',
    ]);
    await until(() => server.output().includes('ACCEPT'));
    const port = Number(/ACCEPT.*?(\d+)\s*$/m.exec(server.output())?.[1] ?? Number.NaN);
    const { io, streams } = capture();
    const client = runSClient(
      ['-connect', `127.0.0.1:${port}`, '-CAfile', ws.cert, '-servername', 'localhost', '-enable_pha'].concat([
        '-cert',
        ws.cert,
        '-key',
        ws.key,
      ]),
      streams,
      lines('bye\n', 1500),
    );
    await until(() => io.err.includes('Protocol: TLSv1.3'));
    const mark = server.output().length;
    server.stdin?.write('c\n');
    await until(() => /depth=0 CN = localhost[\s\S]*verify return:1/.test(server.output().slice(mark)));
    expect(server.output().slice(mark)).toMatch(/depth=0 CN = localhost/);
    server.kill('SIGKILL');
    await client;
  });
});

describe('s_server features against openssl s_client', () => {
  it('-status_file: openssl s_client -status reads a good response', async () => {
    const { port, serving } = await ourServer([
      '-cert',
      ws.cert,
      '-key',
      ws.key,
      '-status_file',
      ws.path('resp.der'),
      '-naccept',
      '1',
      '-www',
    ]);
    const out = await ws.opensslClient(
      port,
      ['-status', '-CAfile', ws.cert, '-servername', 'localhost'],
      'GET / HTTP/1.0\r\n\r\n',
    );
    expect(out).toContain('OCSP Response Status: successful');
    expect(out).toMatch(/Cert Status: good/);
    expect(await serving).toBe(0);
  });

  it('stdin command c: post-handshake authentication of openssl s_client -enable_pha', async () => {
    let sendC: () => void = () => undefined;
    const commandReady = new Promise<void>((resolve) => {
      sendC = resolve;
    });
    async function* stdin(): AsyncGenerator<string> {
      await commandReady;
      yield 'c\n';
    }
    const { freePort } = await import('../test/support.js');
    const port = await freePort();
    const { io, streams } = capture();
    const serving = runSServer(
      [
        '-accept',
        `127.0.0.1:${port}`,
        '-cert',
        ws.cert,
        '-key',
        ws.key,
        '-naccept',
        '1',
        '-verify',
        '1',
        '-CAfile',
        ws.cert,
      ],
      streams,
      stdin(),
    );
    await until(() => io.out.includes('ACCEPT'));
    const client = ws.openssl([
      's_client',
      '-connect',
      `127.0.0.1:${port}`,
      '-enable_pha',
      '-tls1_3',
      '-cert',
      ws.cert,
      '-key',
      ws.key,
      '-CAfile',
      ws.cert,
    ]);
    await until(() => client.output().includes('Verify return code'));
    await sleep(100);
    sendC();
    await until(() => io.out.includes('post-handshake auth:'));
    expect(io.out).toContain('post-handshake auth: subject=CN=localhost');
    client.kill('SIGKILL');
    await serving;
  });
});
