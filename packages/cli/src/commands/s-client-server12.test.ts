import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, input, ourServer, Workspace } from '../test/support.js';
import { runSClient } from './s-client.js';

const ws = new Workspace('sclient12-');
const PSK = '00112233445566778899aabbccddeeff';

beforeAll(() => ws.makeCertificate());
afterAll(() => ws.dispose());

describe('sslsocket s_client and s_server over TLS 1.2', () => {
  it('s_client -tls1_2 against openssl s_server -www: summary lines, page, and -reconnect resumes', async () => {
    const { port } = await ws.opensslServer(['-cert', ws.cert, '-key', ws.key, '-www', '-tls1_2']);
    const { io, streams } = capture();
    const args = [
      '-connect',
      `127.0.0.1:${port}`,
      '-CAfile',
      ws.cert,
      '-servername',
      'localhost',
      '-verify_return_error',
    ];
    expect(await runSClient([...args, '-tls1_2'], streams, input('GET / HTTP/1.0\r\n\r\n'))).toBe(0);
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
    expect(await runSClient([...args, '-tls1_2', '-reconnect'], again.streams, input(''))).toBe(0);
    expect(again.io.err.match(/^Resumed: yes$/gm)?.length).toBe(5);
  });

  it('openssl s_client -tls1_2 gets the -www page from our s_server', async () => {
    const { port, serving } = await ourServer(['-www', '-naccept', '1', '-cipher', 'ECDHE-ECDSA-AES256-SHA384']);
    const page = await ws.opensslClient(port, ['-tls1_2', '-quiet'], 'GET / HTTP/1.0\r\n\r\n');
    expect(await serving).toBe(0);
    expect(page).toContain('HTTP/1.0 200 ok');
    expect(page).toContain('Protocol  : TLSv1.2');
    expect(page).toContain('TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384');
  });

  it('PSK both ways: s_client -psk against openssl, openssl s_client -psk against s_server', async () => {
    const { port } = await ws.opensslServer([
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
      input(''),
    );
    expect(io.err).toMatch(/^Cipher: TLS_(ECDHE_|DHE_)?PSK_WITH_/m);
    expect(code).toBe(0);
    const ours = await ourServer(['-www', '-naccept', '1', '-psk', PSK, '-psk_identity', 'you', '-psk_hint', 'h']);
    const page = await ws.opensslClient(
      ours.port,
      ['-tls1_2', '-psk', PSK, '-psk_identity', 'you', '-cipher', 'PSK', '-quiet'],
      'GET / HTTP/1.0\r\n\r\n',
    );
    expect(await ours.serving).toBe(0);
    expect(page).toMatch(/TLS_(ECDHE_|DHE_)?PSK_WITH_/);
  });
});
