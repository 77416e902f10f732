// A peer that never reads must not make the server buffer without bound (issue #21: 367-391 MB
// RSS against node:tls's 228-233 MB). sendQueueLimit bounds the ciphertext waiting in the
// transport per connection; sends beyond it wait in order — an application that fires sends
// without awaiting them loses nothing, and every byte arrives once the peer reads.
import { afterEach, describe, expect, it } from 'vitest';
import { Cleanup, ourClient, ourServer, sleep } from '../support/peers.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const CHUNK = 64 * 1024;
const COUNT = 160; // 10 MiB

describe('a client that never reads', () => {
  it('the server holds at most sendQueueLimit + one send for the transport, and loses nothing', async () => {
    const limit = 128 * 1024;
    const server = await ourServer(cleanup, { sendQueueLimit: limit });
    const accepted = server.accept();
    const client = await ourClient(server.address.port);
    const socket = await accepted;
    cleanup.add(async () => {
      await client.close({ timeoutMs: 200 });
      await socket.close({ timeoutMs: 200 });
    });
    // Fire-and-forget sends, as an application that ignores send()'s Promise would.
    const sends = Array.from({ length: COUNT }, (_, i) => socket.send(new Uint8Array(CHUNK).fill(i & 0xff)));
    let peak = 0;
    for (let i = 0; i < 40; i++) {
      peak = Math.max(peak, socket.transport.stats.pendingWrite);
      await sleep(10);
    }
    // One 64 KiB send sealed into records: 4 records of 16 KiB plus their overhead.
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(limit + CHUNK + 4 * 256);
    // Now the client reads: every byte, in order.
    let received = 0;
    while (received < COUNT * CHUNK) {
      const data = await client.recv(0, 10_000);
      for (let j = 0; j < data.length; j += 4096) {
        expect(data[j]).toBe(Math.floor((received + j) / CHUNK) & 0xff);
      }
      received += data.length;
    }
    expect(received).toBe(COUNT * CHUNK);
    await Promise.all(sends);
  });

  it('close() lets waiting sends out before close_notify', async () => {
    const server = await ourServer(cleanup, { sendQueueLimit: 16 * 1024 });
    const accepted = server.accept();
    const client = await ourClient(server.address.port);
    const socket = await accepted;
    const sends = Array.from({ length: 32 }, () => socket.send(new Uint8Array(CHUNK).fill(1)));
    const closing = socket.close({ timeoutMs: 10_000 });
    let received = 0;
    for (;;) {
      const data = await client.recv(0, 10_000).catch(() => null);
      if (data === null) break;
      received += data.length;
    }
    await client.close({ timeoutMs: 2000 });
    await closing;
    await Promise.all(sends);
    expect(received).toBe(32 * CHUNK);
  });
});
