import { nobleProvider } from '@sslsocket/suites';
import { describe, expect, it } from 'vitest';
import { ClientConnection, ServerConnection } from './connection.js';
import { baseClient, baseServer, coreOf, pump, serverId } from './test/pair.js';

/**
 * `handshake: 'hello'` + `continue(extra)`: the options reach the states after the pause (the
 * waiting state builds its successors with the merged config); the connection's own config is
 * never replaced.
 */
describe("continue() after handshake: 'hello'", () => {
  it('TLS 1.3 client: a keylog given to continue() receives the handshake and traffic secrets', async () => {
    const client = new ClientConnection(baseClient({ handshake: 'hello' }));
    const server = new ServerConnection(baseServer());
    const lines: string[] = [];
    client.on((e) => {
      if (e.type === 'hello') queueMicrotask(() => client.continue({ keylog: (l) => lines.push(l) }));
    });
    client.start();
    server.receive(client.takeOutput() as Uint8Array);
    await client.receive(server.takeOutput() as Uint8Array);
    pump(client, server);
    expect(client.handshakeComplete && server.handshakeComplete).toBe(true);
    // Every secret derived after the pause reaches the keylog handed over (5 lines, first the
    // client handshake traffic secret).
    expect(lines).toHaveLength(5);
    expect(lines[0]?.startsWith('CLIENT_HANDSHAKE_TRAFFIC_SECRET ')).toBe(true);
    expect(coreOf(client).config.keylog).toBeUndefined();
  });

  it('TLS 1.2 server: the certificate given to continue() serves the handshake', async () => {
    const client = new ClientConnection(baseClient({ versions: ['tlsv1.2'] }));
    const server = new ServerConnection({ provider: nobleProvider, handshake: 'hello' });
    server.on((e) => {
      if (e.type === 'hello')
        queueMicrotask(() => server.continue({ certificateChain: [serverId.cert], privateKey: serverId.key }));
    });
    client.start();
    await server.receive(client.takeOutput() as Uint8Array);
    pump(client, server);
    expect(client.version).toBe('tlsv1.2');
    expect(client.handshakeComplete && server.handshakeComplete).toBe(true);
    expect(coreOf(server).config.certificateChain).toBeUndefined();
  });
});
