import { createSocket } from 'node:dgram';
import { describe, expect, it } from 'vitest';
import { memoryDatagramPair } from './memory-datagram.js';
import { connectDatagram, listenDatagram } from './node-datagram.js';

describe('memoryDatagramPair', () => {
  it('keeps datagram boundaries and drops oversized ones', async () => {
    const [a, b] = memoryDatagramPair({ mtu: 4 });
    a.send(Uint8Array.of(1, 2));
    a.send(Uint8Array.of(1, 2, 3, 4, 5));
    a.send(Uint8Array.of(3));
    expect([...((await b.receive()) as Uint8Array)]).toEqual([1, 2]);
    expect([...((await b.receive()) as Uint8Array)]).toEqual([3]);
    await b.close();
    expect(await b.receive()).toBeNull();
  });

  it('loses and duplicates datagrams at the configured rates, reproducibly', async () => {
    const run = async (): Promise<number[]> => {
      const [a, b] = memoryDatagramPair({ loss: 0.3, duplicate: 0.2, seed: 42 });
      for (let i = 0; i < 200; i++) a.send(Uint8Array.of(i));
      await new Promise((r) => setTimeout(r, 10));
      await b.close();
      const got: number[] = [];
      for (let d = await b.receive(); d !== null; d = await b.receive()) got.push(d[0] as number);
      return got;
    };
    const first = await run();
    expect(first).toEqual(await run());
    expect(new Set(first).size).toBeGreaterThan(100);
    expect(new Set(first).size).toBeLessThan(170);
    expect(first.length).toBeGreaterThan(new Set(first).size);
  });
});

/** Whether this host can bind the IPv6 loopback (containers without IPv6 cannot). */
const ipv6 = await new Promise<boolean>((resolve) => {
  const probe = createSocket('udp6');
  probe.once('error', () => resolve(false));
  probe.bind(0, '::1', () => probe.close(() => resolve(true)));
});
if (!ipv6) console.warn('datagram.test: no IPv6 loopback here, the ::1 test is skipped');

describe('node:dgram transports', () => {
  it.skipIf(!ipv6)(
    'binds every interface dual-stack by default, as TLS listen does: peers over ::1 and 127.0.0.1',
    async () => {
      const listener = await listenDatagram(0);
      expect(listener.address.address).toBe('::');
      for (const host of ['::1', '127.0.0.1']) {
        const client = await connectDatagram(host, listener.address.port);
        client.send(Uint8Array.of(7));
        const peer = await listener.accept();
        expect([...((await peer.receive()) as Uint8Array)]).toEqual([7]);
        peer.send(Uint8Array.of(8));
        expect([...((await client.receive()) as Uint8Array)]).toEqual([8]);
        await client.close();
      }
      await listener.close();
    },
  );

  it('demultiplexes a server socket by peer address and admits peers through the hook', async () => {
    const seen: string[] = [];
    const listener = await listenDatagram(0, {
      host: '127.0.0.1',
      admit: (d, peer, reply) => {
        seen.push(peer);
        if (d[0] === 0) {
          reply(Uint8Array.of(0xee));
          return false;
        }
        return true;
      },
    });
    const one = await connectDatagram('127.0.0.1', listener.address.port);
    const two = await connectDatagram('127.0.0.1', listener.address.port);
    one.send(Uint8Array.of(0));
    expect([...((await one.receive()) as Uint8Array)]).toEqual([0xee]);
    expect(listener.peers).toBe(0);
    one.send(Uint8Array.of(1, 1));
    const p1 = await listener.accept();
    two.send(Uint8Array.of(2));
    const p2 = await listener.accept();
    one.send(Uint8Array.of(1, 2));
    expect([...((await p1.receive()) as Uint8Array)]).toEqual([1, 1]);
    expect([...((await p1.receive()) as Uint8Array)]).toEqual([1, 2]);
    expect([...((await p2.receive()) as Uint8Array)]).toEqual([2]);
    p2.send(Uint8Array.of(9));
    expect([...((await two.receive()) as Uint8Array)]).toEqual([9]);
    expect(listener.peers).toBe(2);
    expect(p1.remoteAddress?.port).toBe(one.localAddress?.port);
    await p1.close();
    expect(listener.peers).toBe(1);
    await Promise.all([one.close(), two.close(), listener.close()]);
    expect(seen.length).toBe(3);
  });

  it('closes an admitted peer nobody accepts within maxAcceptWaitMs; the peer is admitted afresh later', async () => {
    const listener = await listenDatagram(0, { host: '127.0.0.1', maxAcceptWaitMs: 500 });
    const client = await connectDatagram('127.0.0.1', listener.address.port);
    client.send(Uint8Array.of(1));
    await new Promise((r) => setTimeout(r, 50));
    expect(listener.peers).toBe(1);
    for (let i = 0; i < 100 && listener.peers > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(listener.peers).toBe(0);
    expect(listener.expired).toBe(1);
    client.send(Uint8Array.of(2));
    const peer = await listener.accept();
    expect([...((await peer.receive()) as Uint8Array)]).toEqual([2]);
    expect(listener.expired).toBe(1);
    await Promise.all([client.close(), listener.close()]);
  });

  it('rejects a pending accept() when the listener closes', async () => {
    const listener = await listenDatagram(0, { host: '127.0.0.1' });
    const accepting = listener.accept();
    await listener.close();
    await expect(accepting).rejects.toMatchObject({ code: 'CLOSED' });
  });
});
