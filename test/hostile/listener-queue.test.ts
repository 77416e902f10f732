// Connections that wait in the listener's queue (no transportAccept() pending) belong to nobody
// yet: a peer that resets one must not take the process down (an 'error' event with no listener
// throws out of node's event loop), and the queue is bounded.
import { listenNode } from '@sslsocket/transport/node';
import { afterEach, describe, expect, it } from 'vitest';
import { Cleanup, ourClient, ourServer, rawConnect, sleep } from '../support/peers.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** Records uncaught exceptions for the duration of a test. */
function watchUncaught(): Error[] {
  const seen: Error[] = [];
  const onError = (error: Error): void => {
    seen.push(error);
  };
  process.on('uncaughtException', onError);
  cleanup.add(() => {
    process.off('uncaughtException', onError);
  });
  return seen;
}

describe('the listener queue under resets', () => {
  it('a queued connection reset by its peer leaves the queue without an uncaught error', async () => {
    const uncaught = watchUncaught();
    const listener = await listenNode(0);
    cleanup.add(() => listener.close());
    for (let i = 0; i < 20; i++) (await rawConnect(listener.address.port, cleanup)).resetAndDestroy();
    await expect.poll(() => listener.queued).toBe(0);
    expect(uncaught).toEqual([]);
  });

  it('after resets (with and without data) an accept loop that skips failures reaches the live client', async () => {
    const uncaught = watchUncaught();
    const server = await ourServer(cleanup);
    for (let i = 0; i < 20; i++) {
      const socket = await rawConnect(server.address.port, cleanup);
      // A connection that sent bytes is not read while queued, so its reset is seen by the
      // handshake that takes it; one that sent nothing is noticed in the queue.
      if (i % 2 === 0) socket.write(new Uint8Array([22, 3, 1, 0, 5]));
      socket.resetAndDestroy();
    }
    await sleep(100);
    const client = ourClient(server.address.port);
    let failures = 0;
    let socket: Awaited<ReturnType<typeof server.accept>> | undefined;
    while (socket === undefined) {
      socket = await server.accept().catch(() => {
        failures++;
        return undefined;
      });
    }
    expect(failures).toBeLessThanOrEqual(20);
    await (await client).send('after the resets');
    expect(new TextDecoder().decode(await socket.recv(16, 2000))).toBe('after the resets');
    await (await client).close({ timeoutMs: 500 });
    await socket.close({ timeoutMs: 500 });
    expect(uncaught).toEqual([]);
  });

  it('a reset while another handshake runs (the README accept loop) leaves the server serving', async () => {
    const uncaught = watchUncaught();
    const server = await ourServer(cleanup);
    let served = 0;
    const loop = (async () => {
      for (;;) {
        const socket = await server.accept().catch(() => undefined);
        if (socket === undefined) {
          if (served >= 3) return;
          continue;
        }
        served++;
        await socket.send(await socket.recv(0, 2000));
        await socket.close({ timeoutMs: 500 });
        if (served >= 3) return;
      }
    })();
    for (let i = 0; i < 3; i++) {
      // A connection sitting in the queue while the loop is busy with a handshake, then reset.
      // The loop's handshake waits on a silent connection while a client queues behind it; the
      // silent one is then reset.
      const silent = await rawConnect(server.address.port, cleanup);
      const connecting = ourClient(server.address.port);
      await sleep(50);
      silent.resetAndDestroy();
      const client = await connecting;
      await client.send('ping');
      expect(new TextDecoder().decode(await client.recv(4, 2000))).toBe('ping');
      await client.close({ timeoutMs: 500 });
    }
    await loop;
    expect(uncaught).toEqual([]);
    expect(served).toBe(3);
  });

  it('bounds the accept queue: past maxQueued new connections are reset at once', async () => {
    const listener = await listenNode(0, { maxQueued: 4 });
    cleanup.add(() => listener.close());
    const sockets = await Promise.all(Array.from({ length: 10 }, () => rawConnect(listener.address.port, cleanup)));
    const closed = sockets.map((socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())));
    await expect.poll(() => listener.refused).toBe(6);
    expect(listener.queued).toBe(4);
    // The six over the bound see their connection end; the four queued ones are intact.
    const ended = await Promise.all(closed.map((c) => Promise.race([c.then(() => 1), sleep(500).then(() => 0)])));
    expect(ended.reduce((a: number, b: number) => a + b, 0)).toBe(6);
    const transport = await listener.accept();
    expect(listener.queued).toBe(3);
    transport.destroy();
  });

  it('closing the listener releases the connections still queued', async () => {
    const listener = await listenNode(0);
    const socket = await rawConnect(listener.address.port, cleanup);
    await expect.poll(() => listener.queued).toBe(1);
    const closed = new Promise<void>((resolve) => socket.once('end', () => resolve()));
    socket.resume();
    await listener.close();
    await closed;
    expect(listener.queued).toBe(0);
  });
});
