// server.close() completes once every connection has ended, whatever way the client went away:
// net.Server counts the TCP connections, so the server-side TLSSocket must let its TCP socket go
// when the peer leaves, even while nobody reads it. Each case runs against node:tls too (the
// oracle: the same script, node's own TLS), so a case here pins node's behaviour, not ours.
import * as net from 'node:net';
import * as tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import * as compat from './index.js';
import { listening, once, testPki } from './test/fixtures.js';

type Impl = 'node:tls' | 'node-compat';
type Leave =
  | 'destroy after secureConnect'
  | 'end after secureConnect'
  | 'reset after secureConnect'
  | 'destroy mid-handshake';

interface ClientLike extends NodeJS.EventEmitter {
  destroy(): void;
  end(): void;
  resetAndDestroy(): void;
}

/** Runs one case; resolves with the errors the server-side sockets reported (all listened to). */
async function run(impl: Impl, leave: Leave): Promise<{ connections: number; serverErrors: string[] }> {
  const { certPem, keyPem, caPem } = await testPki();
  const api = impl === 'node:tls' ? tls : compat;
  const serverErrors: string[] = [];
  // The application reads nothing: the connection is left idle, as in the ML-KEM test.
  const server = api.createServer({ cert: certPem, key: keyPem, ecdhCurve: 'X25519' }, (socket) => {
    socket.on('error', (error: NodeJS.ErrnoException) => serverErrors.push(error.code ?? error.message));
  });
  server.on('tlsClientError', () => undefined);
  const port = await listening(server);
  const connected = once(server, 'connection');
  const tcp = net.connect(port, '127.0.0.1');
  const options = {
    socket: tcp,
    servername: 'localhost',
    ca: [caPem],
    ecdhCurve: 'X25519',
    minVersion: 'TLSv1.3' as const,
  };
  const client: ClientLike = impl === 'node:tls' ? tls.connect(options) : compat.connect(options);
  // The client gives up on its own socket: whatever it emits after that is only recorded.
  const clientErrors: unknown[] = [];
  client.on('error', (error) => clientErrors.push(error));
  if (leave === 'destroy mid-handshake') {
    // The server has the TCP connection, the client has not finished its handshake.
    await connected;
    client.destroy();
  } else {
    await once(client, 'secureConnect');
    if (leave === 'destroy after secureConnect') client.destroy();
    else if (leave === 'end after secureConnect') client.end();
    // node 20's TLSSocket.resetAndDestroy() throws ERR_INVALID_HANDLE_TYPE (its handle is a
    // TLSWrap), so the oracle resets its TCP socket; the facade's resets the TCP socket underneath.
    else if (impl === 'node-compat') client.resetAndDestroy();
    else tcp.resetAndDestroy();
  }
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  const connections = await new Promise<number>((resolve, reject) =>
    server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
  client.destroy();
  expect(clientErrors).toEqual([]);
  return { connections, serverErrors };
}

const leaves: Leave[] = [
  'destroy after secureConnect',
  'end after secureConnect',
  'reset after secureConnect',
  'destroy mid-handshake',
];

describe('server.close() once the client has gone (node:tls is the oracle)', () => {
  // A close() that never calls back fails by the test timeout, not by a timing assertion.
  describe.each(['node:tls', 'node-compat'] as const)('%s', (impl) => {
    it.each(leaves)('%s: close() calls back, no connection left', async (leave) => {
      const { connections, serverErrors } = await run(impl, leave);
      expect(connections).toBe(0);
      // A TCP reset may reach the server socket as ECONNRESET (listened to above); nothing else does.
      expect(serverErrors.filter((code) => code !== 'ECONNRESET')).toEqual([]);
    });
  });
});
