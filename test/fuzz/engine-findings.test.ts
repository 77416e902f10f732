// Regressions for what the coverage-guided engine fuzzer (test/fuzz/engine-fuzzer.mjs) found.

import { ClientConnection, type ConnectionEvent, ServerConnection } from '@sslsocket/handshake';
import { generateSelfSigned } from '@sslsocket/pkix';
import { nobleProvider } from '@sslsocket/suites';
import { describe, expect, it } from 'vitest';
import { extensionOffset } from '../support/mitm.js';

describe('engine fuzzing findings', () => {
  it('a secp256r1 key share that is not a curve point is illegal_parameter, not internal_error (noble provider)', async () => {
    // Found with --provider noble: the point check threw a CryptoError that became internal_error.
    // RFC 8446 §4.2.8.2: a peer's share that fails validation aborts with illegal_parameter.
    const identity = await generateSelfSigned();
    const client = new ClientConnection({
      provider: nobleProvider,
      serverName: 'localhost',
      verifyPeer: false,
      groups: ['secp256r1'],
      keyShareGroups: ['secp256r1'],
    });
    await client.start();
    const hello = client.takeOutput() as Uint8Array;
    const at = extensionOffset(hello, 51);
    expect(at).toBeGreaterThan(0);
    // key_share: type(2) length(2) list length(2) group(2) key length(2) 0x04 X(32) Y(32): bend Y.
    hello[at + 10 + 1 + 40] ^= 0x01;
    const server = new ServerConnection({
      provider: nobleProvider,
      certificateChain: [identity.certificateDer],
      privateKey: identity.privateKey,
    });
    await server.receive(hello);
    const error = server.takeEvents().find((e): e is Extract<ConnectionEvent, { type: 'error' }> => e.type === 'error');
    expect(error?.error.description).toBe('illegal_parameter');
  });
});
