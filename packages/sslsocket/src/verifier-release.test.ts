/**
 * An established TLS 1.3 client keeps no verifier state (#17, memory per idle connection): after
 * the handshake the server cannot send another Certificate (RFC 8446 §4.6.2: only the client
 * authenticates after the handshake), so the verifier lets go of the options and roots it held.
 * A TLS 1.2 client keeps them: a renegotiation verifies the server's chain again (RFC 5746).
 * Checked through the object graph: a WeakRef to the `cacerts` array given to connect().
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { generateCaChain } from '@sslsocket/pkix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, listen, type SslListenSocket, type SslSocket } from './index.js';

let ca: Awaited<ReturnType<typeof generateCaChain>>;
let listener: SslListenSocket;
const sockets: SslSocket[] = [];

async function collectGarbage(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Connects with a `cacerts` array only the connection may keep; returns a WeakRef to it. */
async function connectWatched(version: 'tlsv1.3' | 'tlsv1.2'): Promise<WeakRef<string[]>> {
  const accepted = listener.accept();
  const cacerts = [ca.ca.certificatePem];
  const watched = new WeakRef(cacerts);
  const client = await connect('127.0.0.1', listener.address.port, {
    cacerts,
    serverNameIndication: 'server.test',
    reuseSessions: false,
    versions: [version],
  });
  sockets.push(client, await accepted);
  // The handshake verified the chain with those roots.
  expect(client.connectionInformation().protocol).toBe(version);
  return watched;
}

beforeAll(async () => {
  ca = await generateCaChain({ altNames: ['server.test'] });
  listener = await listen(0, { host: '127.0.0.1', cert: ca.leaf.certificatePem, key: ca.leaf.keyPem });
});

afterAll(async () => {
  for (const socket of sockets) socket.transport.destroy();
  await listener.close();
});

describe('the client verifier after the handshake', () => {
  it('TLS 1.3: lets go of the options and roots (nothing left to verify)', async () => {
    const watched = await connectWatched('tlsv1.3');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await collectGarbage();
    expect(watched.deref()).toBeUndefined();
    // The connection itself is alive and well.
    expect(sockets.every((socket) => socket.error === undefined)).toBe(true);
  });

  it('TLS 1.2: keeps them, a renegotiation verifies the server again', async () => {
    const watched = await connectWatched('tlsv1.2');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await collectGarbage();
    expect(watched.deref()).toEqual([ca.ca.certificatePem]);
  });
});
