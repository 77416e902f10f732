// `-groups` takes the ML-KEM group names as OpenSSL 3.5 spells them (SecP256r1MLKEM768,
// SecP384r1MLKEM1024, MLKEM512, MLKEM768, MLKEM1024, X25519MLKEM768), on s_client and s_server.
import { describe, expect, it } from 'vitest';
import { capture, input, ourServer } from '../test/support.js';
import { runSClient } from './s-client.js';

describe('-groups with the ML-KEM groups', () => {
  // The second pair goes through a HelloRetryRequest: the client's first share is X25519.
  for (const [server, client, want] of [
    ['SecP384r1MLKEM1024', 'SecP384r1MLKEM1024', 'SecP384r1MLKEM1024'],
    ['MLKEM1024', 'X25519:MLKEM1024', 'MLKEM1024'],
    ['SecP256r1MLKEM768:MLKEM512', 'MLKEM512', 'MLKEM512'],
  ] as const) {
    it(`s_server -groups ${server}, s_client -groups ${client}: ${want}`, async () => {
      const s = await ourServer(['-groups', server, '-naccept', '1', '-www']);
      const { io, streams } = capture();
      const code = await runSClient(
        ['-connect', `127.0.0.1:${s.port}`, '-groups', client],
        streams,
        input('GET / HTTP/1.0\r\n\r\n'),
      );
      expect(code).toBe(0);
      expect(io.err.split('\n')).toContain(`Group: ${want}`);
      expect(await s.serving).toBe(0);
    }, 30_000);
  }
});
