import { type AeadAlgorithm, type CryptoProvider, nobleProvider } from '@sslsocket/suites';
import { describe, expect, it } from 'vitest';
import { ClientConnection, ServerConnection } from './connection.js';
import { baseClient, baseServer, pumpAsync } from './test/pair.js';

/** noble, but every operation typed MaybePromise answers with a Promise (like WebCrypto). */
const asyncProvider: CryptoProvider = {
  ...nobleProvider,
  name: 'async-noble',
  keyShare: async (g, k) => nobleProvider.keyShare(g, k),
  acceptKeyShare: async (g, p, k) => nobleProvider.acceptKeyShare(g, p, k),
  sign: async (s, k, m) => nobleProvider.sign(s, k, m),
  verify: async (s, k, m, sig) => nobleProvider.verify(s, k, m, sig),
  aead: (algorithm: AeadAlgorithm, key: Uint8Array) => {
    const inner = nobleProvider.aead(algorithm, key);
    return {
      algorithm,
      tagLength: inner.tagLength,
      seal: (nonce, aad, buf, off, len) => {
        const n = nonce.slice();
        const a = aad.slice();
        return Promise.resolve().then(() => inner.seal(n, a, buf, off, len));
      },
      open: (nonce, aad, buf, off, len) => {
        const n = nonce.slice();
        const a = aad.slice();
        return Promise.resolve().then(() => inner.open(n, a, buf, off, len));
      },
    };
  },
};

describe('asynchronous provider', () => {
  it('completes a handshake and exchanges data when every crypto call is a Promise', async () => {
    const client = new ClientConnection(baseClient({ provider: asyncProvider }));
    const server = new ServerConnection(baseServer({ provider: asyncProvider, ticketKeys: [new Uint8Array(32)] }));
    await client.start();
    await pumpAsync(client, server);
    expect(client.error).toBeUndefined();
    expect(server.error).toBeUndefined();
    expect(client.handshakeComplete && server.handshakeComplete).toBe(true);
    client.write(new TextEncoder().encode('async'));
    await pumpAsync(client, server);
    const data = server.takeEvents().find((e) => e.type === 'data');
    expect(data?.type === 'data' && new TextDecoder().decode(data.data)).toBe('async');
  });
});
