import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, input as lines, ourServer, Workspace } from '../test/support.js';
import { runSClient } from './s-client.js';
import { runSServer } from './s-server.js';

const ws = new Workspace('sclient-');
beforeAll(() => ws.makeCertificate());
afterAll(() => ws.dispose());

describe('sslsocket s_client and s_server', () => {
  it('s_client against openssl s_server -www prints the summary lines and the page', async () => {
    const { cert } = ws;
    const { port } = await ws.opensslServer(['-cert', ws.cert, '-key', ws.key, '-www']);
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
    const { port, serving } = await ourServer(['-www', '-naccept', '1']);
    const page = await ws.opensslClient(port, ['-quiet'], 'GET / HTTP/1.0\r\n\r\n');
    expect(await serving).toBe(0);
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
