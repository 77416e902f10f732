import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, input, ourServer, until, Workspace } from '../test/support.js';
import { runSClient } from './s-client.js';

const ws = new Workspace('early-');
const early = ws.path('early.txt');

beforeAll(() => {
  ws.makeCertificate();
  writeFileSync(early, 'zero-rtt-hello\n');
});
afterAll(() => ws.dispose());

describe('TLS 1.3 early data in s_client and s_server', () => {
  it('s_client -sess_in -early_data against openssl s_server -early_data: EarlyData: accepted', async () => {
    const server = await ws.opensslServer(['-cert', ws.cert, '-key', ws.key, '-early_data']);
    const sess = ws.path('sess.json');
    const base = ['-connect', `127.0.0.1:${server.port}`, '-CAfile', ws.cert, '-servername', 'localhost'];
    const first = capture();
    // Input that ends only after a pause: OpenSSL sends its tickets lazily, after the handshake.
    expect(await runSClient([...base, '-sess_out', sess], first.streams, input('', 300))).toBe(0);
    const second = capture();
    expect(await runSClient([...base, '-sess_in', sess, '-early_data', early], second.streams, input(''))).toBe(0);
    expect(second.io.err).toContain('Resumed: yes');
    expect(second.io.err).toContain('EarlyData: accepted');
    await until(() => server.output().includes('zero-rtt-hello'));
    expect(server.output()).toContain('zero-rtt-hello');
  });

  it('openssl s_client -early_data reaches our s_server -early_data', async () => {
    const ours = await ourServer(['-early_data', '-naccept', '2']);
    const sess = ws.path('ossl-sess.pem');
    // The ticket comes after the handshake; under load that can take a while, so keep stdin open.
    await ws.opensslClient(ours.port, ['-sess_out', sess], '', 1500);
    const out = await ws.opensslClient(ours.port, ['-sess_in', sess, '-early_data', early], '', 300);
    expect(out).toContain('Early data was accepted');
    expect(await ours.serving).toBe(0);
    expect(ours.out()).toContain('zero-rtt-hello');
  });
});
