import { existsSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, input, ourServer, until, Workspace } from '../test/support.js';
import { runSClient } from './s-client.js';

const ws = new Workspace('early-');
/** The session file was written (the ticket came): the first connection may end. */
const saved = (file: string) => () => existsSync(file) && statSync(file).size > 0;
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
    // OpenSSL sends its tickets after the handshake: input ends once the session was saved (a fixed
    // 300 ms pause was too short under load, and the second run then could not resume).
    expect(await runSClient([...base, '-sess_out', sess], first.streams, input('', saved(sess)))).toBe(0);
    const second = capture();
    expect(await runSClient([...base, '-sess_in', sess, '-early_data', early], second.streams, input(''))).toBe(0);
    expect(second.io.err).toContain('Resumed: yes');
    expect(second.io.err).toContain('EarlyData: accepted');
    await until(() => server.output().includes('zero-rtt-hello'), 20_000);
    expect(server.output()).toContain('zero-rtt-hello');
  });

  it('openssl s_client -early_data reaches our s_server -early_data', async () => {
    const ours = await ourServer(['-early_data', '-naccept', '2']);
    const sess = ws.path('ossl-sess.pem');
    // The ticket comes after the handshake: stdin stays open until openssl saved it, and on the
    // second run until it reported the early data's fate (fixed pauses failed under load).
    await ws.opensslClient(ours.port, ['-sess_out', sess], '', saved(sess));
    const out = await ws.opensslClient(ours.port, ['-sess_in', sess, '-early_data', early], '', (output) =>
      /Early data was (accepted|rejected|not sent)/.test(output),
    );
    expect(out).toContain('Early data was accepted');
    expect(await ours.serving).toBe(0);
    expect(ours.out()).toContain('zero-rtt-hello');
  });
});
