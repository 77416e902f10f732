// Failure paths over real TCP through the public API, for the cases sslsocket.test.ts does not
// cover: our client meeting a garbage server, a silent server (handshake timeout) and a client that
// vanishes in the middle of our server's handshake.
import * as net from 'node:net';
import { generateCaChain } from '@sslsocket/pkix';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect, listen, SocketStateError, type SslListenSocket, TimeoutError, TlsAlert } from './index.js';

let ca: Awaited<ReturnType<typeof generateCaChain>>;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  ca = await generateCaChain({ altNames: ['server.test'] });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A raw TCP server on 127.0.0.1 that runs `onSocket` for each connection; returns its port. */
async function rawServer(onSocket: (socket: net.Socket) => void): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return (server.address() as net.AddressInfo).port;
}

/** A raw TCP client to `port` that sends `bytes`, collecting what comes back until the peer closes. */
function rawClient(port: number, bytes: Uint8Array, destroyAfterWrite = false): Promise<Uint8Array> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(bytes);
      if (destroyAfterWrite) socket.destroy();
    });
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(new Uint8Array(Buffer.concat(chunks))));
  });
}

async function ourListener(): Promise<SslListenSocket> {
  const listener = await listen(0, { host: '127.0.0.1', cert: ca.leaf.certificatePem, key: ca.leaf.keyPem });
  cleanups.push(() => listener.close());
  return listener;
}

describe('error paths over TCP', () => {
  it('a server that answers with garbage fails connect() with a typed alert, and gets one back', async () => {
    const received: Buffer[] = [];
    const port = await rawServer((socket) => {
      socket.on('data', (chunk) => {
        received.push(chunk);
        if (received.length === 1) socket.write('HTTP/1.1 400 Bad Request\r\n\r\n');
      });
    });
    const failure = await connect('127.0.0.1', port, { verify: 'verify_none', handshakeTimeoutMs: 5000 }).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(TlsAlert);
    await expect.poll(() => Buffer.concat(received).length).toBeGreaterThan(5);
    // After our ClientHello record (type 22) comes a fatal alert record (type 21, RFC 8446 §6).
    const bytes = Buffer.concat(received);
    const helloLength = bytes.readUInt16BE(3);
    expect(bytes[0]).toBe(22);
    await expect.poll(() => Buffer.concat(received)[5 + helloLength]).toBe(21);
  });

  it('a silent server times the handshake out after handshakeTimeoutMs', async () => {
    const port = await rawServer(() => undefined);
    const started = Date.now();
    await expect(connect('127.0.0.1', port, { verify: 'verify_none', handshakeTimeoutMs: 150 })).rejects.toBeInstanceOf(
      TimeoutError,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('a client that sends garbage to our server gets a fatal alert, and accept() rejects with it', async () => {
    const listener = await ourListener();
    const accepted = listener.accept();
    accepted.catch(() => undefined);
    const reply = await rawClient(listener.address.port, new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n'));
    const failure = await accepted.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TlsAlert);
    expect(reply[0]).toBe(21);
    expect(reply[5]).toBe(2); // level fatal
  });

  it('a client that vanishes after half a ClientHello fails accept() with a closed error', async () => {
    const listener = await ourListener();
    const accepted = listener.accept();
    accepted.catch(() => undefined);
    // A record header announcing 512 bytes of handshake, then only 4 of them.
    await rawClient(listener.address.port, new Uint8Array([22, 3, 1, 2, 0, 1, 0, 1, 252]), true);
    const failure = await accepted.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SocketStateError);
    expect(failure).toMatchObject({ reason: 'closed' });
  });
});
