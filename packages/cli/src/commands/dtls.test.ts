import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, input, ourServer, sleep, until, Workspace } from '../test/support.js';
import { runSClient } from './s-client.js';

const ws = new Workspace('cli-dtls-');

beforeAll(() => ws.makeCertificate());
afterAll(() => ws.dispose());

describe('s_client -dtls1_2 / s_server -dtls1_2 (issue #18)', () => {
  it('our s_client -dtls1_2 -use_srtp against openssl s_server -dtls1_2 -use_srtp', async () => {
    const { port, output } = await ws.opensslServer([
      '-dtls1_2',
      '-cert',
      ws.cert,
      '-key',
      ws.key,
      '-use_srtp',
      'SRTP_AES128_CM_SHA1_80',
    ]);
    const { io, streams } = capture();
    const args = ['-connect', `127.0.0.1:${port}`, '-dtls1_2', '-CAfile', ws.cert, '-servername', 'localhost'];
    const code = await runSClient(
      [...args, '-use_srtp', 'SRTP_AES128_CM_SHA1_80', '-mtu', '576'],
      streams,
      input('hello over dtls\n'),
    );
    expect(io.err).toBe('');
    expect(code).toBe(0);
    expect(io.out).toContain('CONNECTED');
    expect(io.out).toContain('    Protocol  : DTLSv1.2');
    expect(io.out).toMatch(/Cipher is ECDHE-ECDSA-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)/);
    expect(io.out).toContain('SRTP Extension negotiated, profile=SRTP_AES128_CM_SHA1_80');
    await until(() => output().includes('hello over dtls'));
    expect(output()).toContain('hello over dtls');
  });

  it('refuses -dtls1_2 with -tls1_2 and -mtu without -dtls1_2 (usage errors)', async () => {
    const a = capture();
    expect(await runSClient(['-connect', '127.0.0.1:1', '-dtls1_2', '-tls1_2'], a.streams, input(''))).toBe(2);
    expect(a.io.err).toMatch(/exclusive/);
    const b = capture();
    expect(await runSClient(['-connect', '127.0.0.1:1', '-mtu', '500'], b.streams, input(''))).toBe(2);
    expect(b.io.err).toMatch(/need -dtls1_2/);
  });

  it('openssl s_client -dtls1_2 -use_srtp against our s_server -dtls1_2', async () => {
    const { port, serving, out } = await ourServer([
      '-dtls1_2',
      '-cert',
      ws.cert,
      '-key',
      ws.key,
      '-naccept',
      '1',
      '-use_srtp',
      'SRTP_AEAD_AES_128_GCM:SRTP_AES128_CM_SHA1_80',
    ]);
    const client = ws.openssl([
      's_client',
      '-dtls1_2',
      '-connect',
      `127.0.0.1:${port}`,
      '-use_srtp',
      'SRTP_AES128_CM_SHA1_80',
      '-mtu',
      '576',
    ]);
    await until(() => client.output().includes('Verify return code'), 10_000);
    client.stdin?.write('hello from openssl\n');
    await until(() => out().includes('hello from openssl'), 10_000);
    client.stdin?.end();
    await sleep(100);
    expect(client.output()).toContain('SRTP Extension negotiated, profile=SRTP_AES128_CM_SHA1_80');
    expect(client.output()).toMatch(/Protocol\s+: DTLSv1\.2/);
    expect(out()).toContain('SRTP Extension negotiated, profile=SRTP_AES128_CM_SHA1_80');
    expect(out()).toContain('hello from openssl');
    expect(await serving).toBe(0);
  });
});
