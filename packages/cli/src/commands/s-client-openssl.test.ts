// Our s_client's OpenSSL-format output compared with openssl s_client's on the same server:
// the report block, -showcerts piped into openssl x509, -brief, -CApath, -verify, -msg.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, input, Workspace } from '../test/support.js';
import { runSClient } from './s-client.js';

const ws = new Workspace('sclient-openssl-');
beforeAll(() => ws.makeCertificate());
afterAll(() => ws.dispose());

/** The report lines both clients must print alike (not byte counts, session ids, times, tickets). */
function reportLines(output: string): string[] {
  const start = output.indexOf('Certificate chain');
  const end = output.indexOf('Verify return code:', start);
  return output
    .slice(start, output.indexOf('\n', end))
    .split('\n')
    .filter(
      (line) =>
        !/^SSL handshake has read|^\s+(Session-ID|Master-Key|Start Time|TLS session ticket|[0-9a-f]{4} - )/.test(line),
    );
}

async function ours(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  const { io, streams } = capture();
  const code = await runSClient(args, streams, input(stdin));
  return { code, out: io.out, err: io.err };
}

describe('s_client prints what openssl s_client prints', () => {
  for (const version of ['-tls1_3', '-tls1_2']) {
    it(`the report block, ${version}, verified and self-signed`, async () => {
      const server = await ws.opensslServer(['-cert', ws.cert, '-key', ws.key, '-www']);
      const connect = ['-connect', `127.0.0.1:${server.port}`, '-servername', 'localhost', version];
      const suites =
        version === '-tls1_3'
          ? ['-ciphersuites', 'TLS_AES_128_GCM_SHA256']
          : ['-cipher', 'ECDHE-ECDSA-AES128-GCM-SHA256'];
      for (const trust of [['-CAfile', ws.cert], []]) {
        const mine = await ours([...connect, ...suites, ...trust]);
        const theirs = await ws.opensslClient(server.port, [...connect.slice(2), ...suites, ...trust], '', 100);
        expect(mine.code).toBe(0);
        const expected = reportLines(theirs);
        expect(expected.length).toBeGreaterThan(15);
        expect(reportLines(mine.out)).toEqual(expected);
        expect(mine.out).toMatch(/^CONNECTED\(/);
        expect(mine.out).toMatch(
          trust.length > 0
            ? /^\s*Verify return code: 0 \(ok\)$/m
            : /^\s*Verify return code: 18 \(self-signed certificate\)$/m,
        );
        // Our own summary lines stay on stderr beside OpenSSL's.
        expect(mine.err).toMatch(/^Protocol: TLSv1\.[23]$/m);
      }
    });
  }

  it('-showcerts output piped into openssl x509 gives what openssl s_client gives', async () => {
    const server = await ws.opensslServer(['-cert', ws.cert, '-key', ws.key, '-www']);
    const mine = await ours(['-connect', `127.0.0.1:${server.port}`, '-showcerts']);
    const theirs = await ws.opensslClient(server.port, ['-showcerts'], '', 100);
    const enddate = (text: string): string =>
      execFileSync('openssl', ['x509', '-noout', '-enddate', '-subject'], { input: text, encoding: 'utf8' });
    expect(enddate(mine.out)).toBe(enddate(theirs));
    expect(mine.out.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(1);
    expect(mine.out).toMatch(/^Server certificate\nsubject=/m);
    // Without -showcerts the PEM is the server certificate, as in OpenSSL.
    const plain = await ours(['-connect', `127.0.0.1:${server.port}`]);
    expect(enddate(plain.out)).toBe(enddate(theirs));
  });

  it('-brief prints the lines openssl -brief prints, on stderr, and no PEM', async () => {
    const server = await ws.opensslServer(['-cert', ws.cert, '-key', ws.key, '-www']);
    const args = ['-CAfile', ws.cert, '-ciphersuites', 'TLS_AES_128_GCM_SHA256', '-brief'];
    const mine = await ours(['-connect', `127.0.0.1:${server.port}`, ...args]);
    const theirs = await ws.opensslClient(server.port, args, '', 100);
    const brief = (text: string): string[] =>
      text
        .split('\n')
        .filter((line) =>
          /^(CONNECTION ESTABLISHED|Protocol version|Ciphersuite|Peer certificate|Hash used|Signature type|Verification|Server Temp Key)/.test(
            line,
          ),
        );
    expect(brief(mine.err)).toEqual(brief(theirs));
    expect(brief(mine.err)).toContain('Verification: OK');
    expect(mine.out).not.toContain('BEGIN CERTIFICATE');
  });

  it('-brief stays interactive like openssl s_client -brief: stdin goes to the server, its answer to stdout', async () => {
    // s_server -rev sends each line back reversed.
    const server = await ws.opensslServer(['-cert', ws.cert, '-key', ws.key, '-rev']);
    const args = ['-CAfile', ws.cert, '-brief'];
    const theirs = await ws.opensslClient(server.port, args, 'hello brief\n', 1500);
    expect(theirs).toContain('feirb olleh');
    const mine = await ours(['-connect', `127.0.0.1:${server.port}`, ...args], 'hello brief\n');
    expect(mine.code).toBe(0);
    expect(mine.out).toContain('feirb olleh');
    expect(mine.err).toContain('CONNECTION ESTABLISHED');
    expect(mine.out).not.toContain('BEGIN CERTIFICATE');
  });

  it('-CApath trusts the certificates in a directory; -verify sets the depth', async () => {
    const dir = ws.path('capath');
    mkdirSync(dir);
    copyFileSync(ws.cert, `${dir}/root.pem`);
    const server = await ws.opensslServer(['-cert', ws.cert, '-key', ws.key, '-www']);
    const connect = ['-connect', `127.0.0.1:${server.port}`, '-servername', 'localhost'];
    const good = await ours([...connect, '-CApath', dir, '-verify', '1', '-verify_return_error']);
    expect(good.code).toBe(0);
    expect(good.out).toMatch(/^Verify return code: 0 \(ok\)$/m);
    expect(good.err).toContain('verify depth is 1\n');
    const empty = ws.path('empty');
    mkdirSync(empty);
    const bad = await ours([...connect, '-CApath', empty]);
    expect(bad.out).toMatch(/^Verify return code: 18 /m);
    expect((await ours([...connect, '-verify', 'x'])).code).toBe(2);
  });

  it('-msg shows the records both ways, like openssl -msg', async () => {
    const server = await ws.opensslServer(['-cert', ws.cert, '-key', ws.key, '-www']);
    const mine = await ours(['-connect', `127.0.0.1:${server.port}`, '-msg', '-quiet']);
    const theirs = await ws.opensslClient(server.port, ['-msg'], '', 100);
    const firstLines = (text: string): string[] =>
      text
        .split('\n')
        .filter((line) => /^(>>>|<<<)/.test(line))
        .slice(0, 4);
    expect(firstLines(mine.out)[0]).toBe(firstLines(theirs)[0]);
    expect(mine.out).toMatch(/^>>> TLS 1\.\d, Handshake \[length [0-9a-f]{4}\], ClientHello$/m);
    expect(mine.out).toMatch(/^<<< TLS 1\.2, Handshake \[length [0-9a-f]{4}\], ServerHello$/m);
    expect(theirs).toMatch(/^>>> .*ClientHello$/m);
    expect(theirs).toMatch(/^<<< .*ServerHello$/m);
  });
});
