// #21 slowloris: silent TCP connections wait in the pre-hello stage (helloTimeoutMs,
// maxPendingHellos) and never hold a handshake slot, so more of them than any bound cannot keep a
// good client out; a silent one is cut with a plain close (no TLS record), the oldest first.
import * as net from 'node:net';
import { generateCaChain } from '@sslsocket/pkix';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, handshake, listen, type SslListenSocket, TimeoutError } from './index.js';

const opened: net.Socket[] = [];
const listeners: SslListenSocket[] = [];
afterEach(async () => {
  for (const socket of opened.splice(0)) socket.destroy();
  for (const listener of listeners.splice(0)) await listener.close();
});

/** What a raw TCP peer saw: its bytes, and how the connection ended (FIN, reset, still open). */
interface Silent {
  readonly socket: net.Socket;
  readonly received: Buffer[];
  ended: 'open' | 'fin' | 'reset';
}

async function silentPeer(port: number): Promise<Silent> {
  const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  opened.push(socket);
  const peer: Silent = { socket, received: [], ended: 'open' };
  socket.on('data', (chunk: Buffer) => peer.received.push(chunk));
  socket.on('end', () => {
    if (peer.ended === 'open') peer.ended = 'fin';
  });
  socket.on('error', () => {
    peer.ended = 'reset';
  });
  await new Promise((resolve) => socket.once('connect', resolve));
  return peer;
}

async function server(options: Record<string, number>): Promise<{ server: SslListenSocket; ca: string }> {
  const { ca, leaf } = await generateCaChain();
  const listener = await listen(0, { host: '127.0.0.1', cert: leaf.certificatePem, key: leaf.keyPem, ...options });
  listeners.push(listener);
  return { server: listener, ca: ca.certificatePem };
}

const clientOptions = (ca: string) => ({
  cacerts: [ca],
  serverNameIndication: 'localhost',
  reuseSessions: false,
  handshakeTimeoutMs: 20_000,
});

/** Resolves once every listed peer has seen its connection end. */
async function allEnded(peers: readonly Silent[]): Promise<void> {
  while (peers.some((peer) => peer.ended === 'open')) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('pre-hello stage (#21 slowloris)', () => {
  it('serve(): more silent connections than every bound, and a good client still handshakes while they stay open', async () => {
    const { server: listener, ca } = await server({ maxPendingHellos: 8, helloTimeoutMs: 15_000 });
    const errors: Error[] = [];
    const serving = listener.serve((socket) => socket.close({ timeoutMs: 500 }), {
      maxConcurrentHandshakes: 4,
      onError: (error) => errors.push(error),
    });
    const silent: Silent[] = [];
    // 12 > maxPendingHellos 8 > maxConcurrentHandshakes 4; before #21, 4 silent ones stalled serve().
    for (let i = 0; i < 12; i++) silent.push(await silentPeer(listener.address.port));
    const client = await connect('127.0.0.1', listener.address.port, clientOptions(ca));
    // The good client is through while the newer silent connections are still held open (it took
    // the place of the oldest one: 12 + 1 arrivals, 8 places, so 5 were dropped).
    expect(silent.slice(5).filter((peer) => peer.ended === 'open')).toHaveLength(7);
    // No silent connection counts as a handshake (at most the good client's own, still finishing).
    expect(serving.handshaking).toBeLessThanOrEqual(1);
    await client.close({ timeoutMs: 500 }).catch(() => undefined);
    // The 5 oldest were dropped with a plain close: no TLS record, a FIN, not a reset.
    await allEnded(silent.slice(0, 5));
    for (const peer of silent.slice(0, 5)) {
      expect(peer.ended).toBe('fin');
      expect(Buffer.concat(peer.received)).toHaveLength(0);
    }
    expect(errors.filter((error) => error instanceof TimeoutError)).toHaveLength(5);
    expect(errors[0]?.message).toMatch(/no ClientHello: dropped as the oldest of 8/);
    expect(listener.queue).toMatchObject({ silent: 7, dropped: 5 });
  });

  it('transportAccept() + handshake(): silent connections beyond maxConcurrentHandshakes take no slot', async () => {
    const { server: listener, ca } = await server({ maxConcurrentHandshakes: 2, handshakeTimeoutMs: 15_000 });
    const outcomes: unknown[] = [];
    const silent: Silent[] = [];
    for (let i = 0; i < 4; i++) silent.push(await silentPeer(listener.address.port));
    const loop = (async () => {
      for (let i = 0; i < 5; i++) {
        const transport = await listener.transportAccept();
        void handshake(transport).then(
          (socket) => {
            outcomes.push('ok');
            return socket.close({ timeoutMs: 500 });
          },
          (error: unknown) => outcomes.push(error),
        );
      }
    })();
    const client = await connect('127.0.0.1', listener.address.port, clientOptions(ca));
    await loop;
    expect(silent.filter((peer) => peer.ended === 'open')).toHaveLength(4);
    await client.close({ timeoutMs: 500 }).catch(() => undefined);
    // Before #21 the silent ones held both slots and this handshake was refused ('einval').
    while (outcomes.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(outcomes).toEqual(['ok']);
  });

  it('a silent connection is closed at helloTimeoutMs with a FIN and no alert; its handshake rejects with TimeoutError', async () => {
    const { server: listener } = await server({ helloTimeoutMs: 200, handshakeTimeoutMs: 10_000 });
    const accepted = listener.accept().catch((error: unknown) => error);
    const peer = await silentPeer(listener.address.port);
    const failure = await accepted;
    expect(failure).toBeInstanceOf(TimeoutError);
    expect((failure as Error).message).toBe('no ClientHello within 200 ms');
    await allEnded([peer]);
    expect(peer.ended).toBe('fin');
    expect(Buffer.concat(peer.received)).toHaveLength(0);
  });

  it('helloTimeoutMs and maxPendingHellos are checked options', async () => {
    await expect(server({ helloTimeoutMs: 0 })).rejects.toMatchObject({ name: 'OptionError' });
    await expect(server({ maxPendingHellos: 1.5 })).rejects.toMatchObject({ name: 'OptionError' });
  });
});
