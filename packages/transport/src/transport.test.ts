import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fromWebStreams, memoryPair, type Transport, TransportError } from './index.js';
import { connectNode, listenNode } from './node.js';

async function readAll(transport: Transport): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let chunk = await transport.read(); chunk !== null; chunk = await transport.read()) parts.push(chunk);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

describe('memoryPair', () => {
  it('delivers bytes in order, in chunks, and ends on half-close', async () => {
    const [a, b] = memoryPair({ chunkSize: 3 });
    a.write(new Uint8Array([1, 2, 3, 4, 5, 6, 7]));
    await a.closeWrite();
    expect([...(await readAll(b))]).toEqual([1, 2, 3, 4, 5, 6, 7]);
    b.write(new Uint8Array([9]));
    expect([...((await a.read()) ?? [])]).toEqual([9]);
    expect(a.stats.bytesWritten).toBe(7);
    expect(b.stats.reads).toBe(3);
  });

  it('applies backpressure until the reader reads', async () => {
    const [a, b] = memoryPair({ highWaterMark: 10 });
    expect(a.write(new Uint8Array(6))).toBe(true);
    expect(a.write(new Uint8Array(6))).toBe(false);
    let drained = false;
    const waiting = a.drained().then(() => {
      drained = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(drained).toBe(false);
    await b.read();
    await waiting;
    expect(drained).toBe(true);
  });

  it('destroy makes the peer read fail with ECONNRESET', async () => {
    const [a, b] = memoryPair();
    const pending = b.read();
    a.destroy();
    await expect(pending).rejects.toThrow(TransportError);
  });
});

describe('node TCP adapter', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('echoes over loopback with half-close, addresses and stats', async () => {
    const listener = await listenNode(0);
    cleanups.push(() => listener.close());
    const serverSide = (async () => {
      const server = await listener.accept();
      const data = await readAll(server);
      server.write(data);
      await server.close();
    })();
    const client = await connectNode('127.0.0.1', listener.address.port);
    expect(client.remoteAddress?.port).toBe(listener.address.port);
    client.write(new TextEncoder().encode('hello over tcp'));
    await client.closeWrite();
    expect(new TextDecoder().decode(await readAll(client))).toBe('hello over tcp');
    await serverSide;
    await client.close();
    expect(client.stats.bytesRead).toBe(14);
  });

  it('moves 64 MiB with bounded buffering', async () => {
    const listener = await listenNode(0);
    cleanups.push(() => listener.close());
    const total = 64 * 1024 * 1024;
    const chunk = new Uint8Array(256 * 1024).fill(7);
    const sender = (async () => {
      const server = await listener.accept();
      for (let sent = 0; sent < total; sent += chunk.length) {
        if (!server.write(chunk)) await server.drained();
      }
      await server.close();
    })();
    const client = await connectNode('127.0.0.1', listener.address.port, { readHighWaterMark: 512 * 1024 });
    let received = 0;
    let peakHeap = 0;
    for (let data = await client.read(); data !== null; data = await client.read()) {
      received += data.length;
      if (received % (8 * 1024 * 1024) < data.length) peakHeap = Math.max(peakHeap, process.memoryUsage().arrayBuffers);
    }
    await sender;
    await client.close();
    expect(received).toBe(total);
    expect(peakHeap).toBeLessThan(48 * 1024 * 1024);
  });

  it('connecting to a closed port is a typed ECONNREFUSED', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    await expect(connectNode('127.0.0.1', port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('a closed listener rejects accept()', async () => {
    const listener = await listenNode(0);
    const pending = listener.accept();
    await listener.close();
    await expect(pending).rejects.toMatchObject({ code: 'CLOSED' });
  });
});

describe('Web Streams adapter', () => {
  it('reads and writes through a TransformStream pair', async () => {
    const aToB = new TransformStream<Uint8Array, Uint8Array>();
    const bToA = new TransformStream<Uint8Array, Uint8Array>();
    const a = fromWebStreams({ readable: bToA.readable, writable: aToB.writable });
    const b = fromWebStreams({ readable: aToB.readable, writable: bToA.writable });
    a.write(new Uint8Array([1, 2, 3]));
    expect([...((await b.read()) ?? [])]).toEqual([1, 2, 3]);
    await a.closeWrite();
    expect(await b.read()).toBeNull();
    b.write(new Uint8Array([4]));
    expect([...((await a.read()) ?? [])]).toEqual([4]);
    await b.close();
    await a.close();
  });
});
