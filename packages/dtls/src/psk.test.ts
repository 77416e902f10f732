import { nodeProvider } from '@sslsocket/provider-node';
import { describe, expect, it } from 'vitest';
import type { DtlsConfig } from './config.js';
import { DtlsConnection } from './connection.js';
import { SimulatedNetwork } from './test/network.js';

const KEY = Uint8Array.from({ length: 16 }, (_, i) => i);
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function pskPair(suite: string, client: Partial<DtlsConfig> = {}, server: Partial<DtlsConfig> = {}) {
  return {
    client: DtlsConnection.client({
      provider: nodeProvider,
      cipherSuites: [suite],
      pskIdentity: enc('alice'),
      userLookupFun: () => KEY,
      ...client,
    }),
    server: DtlsConnection.server({
      provider: nodeProvider,
      cipherSuites: [suite],
      userLookupFun: (identity) => (new TextDecoder().decode(identity) === 'alice' ? KEY : undefined),
      ...server,
    }),
  };
}

describe('DTLS 1.2 with pre-shared keys (RFC 4279, RFC 5489)', () => {
  it.each(['TLS_PSK_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256'])(
    'completes %s without certificates and passes the hint to the client lookup',
    (suite) => {
      const hints: string[] = [];
      const { client, server } = pskPair(
        suite,
        {
          userLookupFun: (hint) => {
            hints.push(new TextDecoder().decode(hint));
            return KEY;
          },
        },
        { pskIdentityHint: enc('hint-1') },
      );
      const net = new SimulatedNetwork(client, server, { loss: 0.1, seed: 8 });
      client.start();
      net.run(() => net.completed());
      expect(server.parameters?.cipherSuite).toBe(suite);
      expect(client.parameters?.peerCertificates).toEqual([]);
      expect(hints).toEqual(['hint-1']);
      expect(client.exportKeyingMaterial('EXPERIMENTAL psk', undefined, 16)).toEqual(
        server.exportKeyingMaterial('EXPERIMENTAL psk', undefined, 16),
      );
    },
  );

  it('fails with unknown_psk_identity for an identity the server does not know', () => {
    const { client, server } = pskPair('TLS_PSK_WITH_AES_128_GCM_SHA256', { pskIdentity: enc('mallory') });
    const net = new SimulatedNetwork(client, server);
    client.start();
    net.run(() => server.failed !== undefined && client.failed !== undefined);
    expect(server.failed?.message).toMatch(/unknown_psk_identity/);
    expect(client.failed?.message).toMatch(/unknown_psk_identity/);
  });

  it('never completes when the keys differ: the Finished does not authenticate and is dropped, no ping-pong', () => {
    const { client, server } = pskPair(
      'TLS_PSK_WITH_AES_128_GCM_SHA256',
      { userLookupFun: () => new Uint8Array(16), maxRetransmits: 4 },
      { maxRetransmits: 4 },
    );
    const net = new SimulatedNetwork(client, server);
    client.start();
    net.run(() => client.failed !== undefined, 600_000);
    expect(client.failed?.name).toBe('DtlsTimeoutError');
    expect(server.handshakeComplete).toBe(false);
    // RFC 6347 §4.2.4: retransmissions come from the timers only (a handful), not an endless echo.
    expect(net.sent).toBeLessThan(40);
  });
});
