// ecdhCurve with the ML-KEM groups as Node 24 spells them: both ends are the facade; the client
// reports the group as Node 24 does ({ type: 'TLSGroup', name }, checked against Node 24 in
// interop/node24.mjs).
import { describe, expect, it } from 'vitest';
import { connect, createServer } from './index.js';
import { listening, once, testPki } from './test/fixtures.js';

describe('ecdhCurve: the ML-KEM groups', () => {
  it.each(['SecP256r1MLKEM768', 'SecP384r1MLKEM1024', 'MLKEM1024', 'X25519MLKEM768'])('%s', async (curve) => {
    const { certPem, keyPem, caPem } = await testPki();
    const server = createServer({ cert: certPem, key: keyPem, ecdhCurve: curve }, (socket) => {
      socket.on('error', () => undefined);
    });
    const port = await listening(server);
    // The client's first share is X25519: the server answers with a HelloRetryRequest for `curve`.
    const client = connect({
      port,
      host: '127.0.0.1',
      servername: 'localhost',
      ca: [caPem],
      ecdhCurve: `X25519:${curve}`,
    });
    await once(client, 'secureConnect');
    expect(client.getEphemeralKeyInfo()).toEqual({ type: 'TLSGroup', name: curve });
    // The server's connection is left alone: the client's destroy() is enough for close() to complete.
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('an unknown spelling is a NodeOptionError', () => {
    expect(() => createServer({ ecdhCurve: 'MLKEM999' })).toThrow(/unsupported curve: MLKEM999/);
  });
});
