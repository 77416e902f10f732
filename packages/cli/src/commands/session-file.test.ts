// Session files in OpenSSL's format, both ways: openssl s_client -sess_out read by our -sess_in,
// ours read by openssl s_client -sess_in, against openssl s_server and our s_server; resumption
// must actually happen ("Reused," in both clients' reports).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, input, ourServer, Workspace } from '../test/support.js';
import { runSClient } from './s-client.js';

const ws = new Workspace('sessions-');
beforeAll(() => ws.makeCertificate());
afterAll(() => ws.dispose());

async function ours(args: string[], waitMs = 0): Promise<{ code: number; out: string; err: string }> {
  const { io, streams } = capture();
  const code = await runSClient(args, streams, input('', waitMs));
  return { code, out: io.out, err: io.err };
}

for (const version of ['-tls1_3', '-tls1_2']) {
  const name = version === '-tls1_3' ? 'TLSv1.3' : 'TLSv1.2';
  describe(`session files, ${name}`, () => {
    it('openssl s_client -sess_out is resumed by our -sess_in, and ours by openssl -sess_in (openssl s_server)', async () => {
      const server = await ws.opensslServer(['-cert', ws.cert, '-key', ws.key, '-www']);
      const theirsFile = ws.path(`openssl-${version}.pem`);
      // OpenSSL's session is AES-256 (SHA-384), its default; we put a resumed session's suite first.
      await ws.opensslClient(server.port, [version, '-sess_out', theirsFile], '', 1000);
      expect(readFileSync(theirsFile, 'utf8')).toContain('-----BEGIN SSL SESSION PARAMETERS-----');
      const connect = ['-connect', `127.0.0.1:${server.port}`, version];
      const resumed = await ours([...connect, '-sess_in', theirsFile]);
      expect(resumed.code).toBe(0);
      expect(resumed.out).toContain(`Reused, ${name}, Cipher is`);
      expect(resumed.err).toContain('Resumed: yes');

      const oursFile = ws.path(`ours-${version}.pem`);
      expect((await ours([...connect, '-sess_out', oursFile], 500)).code).toBe(0);
      const parsed = execFileSync('openssl', ['sess_id', '-in', oursFile, '-noout', '-text'], { encoding: 'utf8' });
      expect(parsed).toContain(`Protocol  : ${name}`);
      // Ours is AES-128 (SHA-256); OpenSSL keeps its own order (AES-256 first), and a TLS 1.3 PSK
      // resumes only with a suite of its hash (RFC 8446 §4.2.11): name the suite for it.
      const suite = version === '-tls1_3' ? ['-ciphersuites', 'TLS_AES_128_GCM_SHA256'] : [];
      const theirs = await ws.opensslClient(server.port, [version, ...suite, '-sess_in', oursFile], '', 300);
      expect(theirs).toContain(`Reused, ${name}, Cipher is`);
    });

    it('the same against our s_server', async () => {
      const server = await ourServer(['-www', '-naccept', '4']);
      const theirsFile = ws.path(`openssl-ours-${version}.pem`);
      await ws.opensslClient(server.port, [version, '-sess_out', theirsFile], '', 1000);
      const connect = ['-connect', `127.0.0.1:${server.port}`, version];
      const resumed = await ours([...connect, '-sess_in', theirsFile]);
      expect(resumed.out).toContain(`Reused, ${name}, Cipher is`);
      const oursFile = ws.path(`ours-ours-${version}.pem`);
      await ours([...connect, '-sess_out', oursFile], 500);
      const theirs = await ws.opensslClient(server.port, [version, '-sess_in', oursFile], 'GET / HTTP/1.0\r\n\r\n');
      expect(theirs).toContain(`Reused, ${name}, Cipher is`);
      expect(await server.serving).toBe(0);
    });
  });
}

it('-sess_in names a file that holds no session, with exit 2', async () => {
  const bad = ws.path('bad-session.pem');
  writeFileSync(bad, '{"json": "from an older version"}\n');
  const result = await ours(['-connect', '127.0.0.1:9', '-sess_in', bad]);
  expect(result.code).toBe(2);
  expect(result.err).toContain(
    `-sess_in: cannot read a session from ${bad}: no -----BEGIN SSL SESSION PARAMETERS-----`,
  );
});
