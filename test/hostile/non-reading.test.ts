// A peer that never reads must not make the server buffer without bound (issue #21: 367-391 MB
// RSS against node:tls's 228-233 MB). sendQueueLimit bounds the ciphertext waiting in the
// transport per connection; sends beyond it wait in order — an application that fires sends
// without awaiting them loses nothing, and every byte arrives once the peer reads.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { SslSocket } from 'sslsocket';
import { afterEach, describe, expect, it } from 'vitest';
import { Cleanup, collectGarbage, ourClient, ourServer, sleep, testCa } from '../support/peers.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const CHUNK = 64 * 1024;
const COUNT = 160; // 10 MiB

/** Our server's socket (with `sendQueueLimit: limit`) and our client, closed after the test. */
async function readerlessPair(limit: number): Promise<{ client: SslSocket; socket: SslSocket }> {
  const server = await ourServer(cleanup, { sendQueueLimit: limit });
  const accepted = server.accept();
  const client = await ourClient(server.address.port);
  const socket = await accepted;
  cleanup.add(async () => {
    await client.close({ timeoutMs: 200 });
    await socket.close({ timeoutMs: 200 });
  });
  return { client, socket };
}

describe('a client that never reads', () => {
  it('the server holds at most sendQueueLimit + one send for the transport, and loses nothing', async () => {
    const limit = 128 * 1024;
    const { client, socket } = await readerlessPair(limit);
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

  it('small sends fired without awaiting: gathered and sealed output counts toward the limit too', async () => {
    const limit = 32 * 1024;
    const { client, socket } = await readerlessPair(limit);
    const small = 1024;
    const count = 16_384; // 16 MiB, more than the kernel's buffers take on loopback (about 10 MiB)
    const sends = Array.from({ length: count }, (_, i) => socket.send(new Uint8Array(small).fill(i & 0xff)));
    let peak = 0;
    let written = -1;
    for (let still = 0; still < 3; ) {
      await sleep(50);
      peak = Math.max(peak, socket.transport.stats.pendingWrite);
      still = socket.transport.stats.bytesWritten === written ? still + 1 : 0;
      written = socket.transport.stats.bytesWritten;
    }
    // Gathered sends were flushed every 64 KiB whatever the limit: up to limit + 64 KiB before.
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(limit + 16 * 1024 + 256);
    let received = 0;
    while (received < count * small) {
      const data = await client.recv(0, 10_000);
      for (let j = 0; j < data.length; j += small) expect(data[j]).toBe(Math.floor((received + j) / small) & 0xff);
      received += data.length;
    }
    await Promise.all(sends);
  });

  it('sends larger than sendQueueLimit: the memory the server holds per connection stays within the limit + one record', async () => {
    // Today's figures before this bound (rev21-nonreading.mjs, 64 KiB sends): 143 KiB of
    // ArrayBuffers per connection with a 16 KiB limit; a 1 MiB send held 1 MiB of ciphertext.
    const limit = 64 * 1024;
    const clients = 8;
    const server = await ourServer(cleanup, { sendQueueLimit: limit });
    const ca = await testCa();
    // node:tls clients in a process of their own that handshake, then never read: their buffers
    // stay out of this process's memory figures.
    const peers = spawn(
      process.execPath,
      ['--input-type=module', '-e', NON_READING_CLIENTS, String(server.address.port), String(clients)],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    cleanup.add(() => {
      peers.kill();
    });
    peers.stdin.end(ca.ca.certificatePem);
    const sockets: SslSocket[] = [];
    for (let i = 0; i < clients; i++) sockets.push(await server.accept());
    await once(peers.stdout, 'data'); // every client is connected and paused
    cleanup.add(async () => {
      for (const socket of sockets) await socket.close({ timeoutMs: 100 }).catch(() => undefined);
    });
    // One 1 MiB array for every send on every connection, as the referee's server sends one
    // 64 KiB array: the application's plaintext is not memory the socket adds per connection.
    const chunk = new Uint8Array(1024 * 1024).fill(0x5a);
    await collectGarbage();
    const before = process.memoryUsage().arrayBuffers;
    const sending = sockets.map(async (socket) => {
      try {
        for (;;) await socket.send(chunk);
      } catch {
        // the clients went away at the end of the test
      }
    });
    // Until the kernel's buffers are full and nothing moves any more.
    let written = -1;
    for (let still = 0; still < 3; ) {
      await sleep(100);
      const now = sockets.reduce((sum, socket) => sum + socket.transport.stats.bytesWritten, 0);
      still = now === written ? still + 1 : 0;
      written = now;
    }
    await collectGarbage();
    const held = (process.memoryUsage().arrayBuffers - before) / clients;
    // One record beyond the limit (a part is at least 2^14 bytes, RFC 8446 §5.1) with its record
    // overhead, and 8 KiB for whatever else a connection allocated while sending.
    const record = 16 * 1024 + 256;
    for (const socket of sockets) expect(socket.transport.stats.pendingWrite).toBeLessThanOrEqual(limit + record);
    expect(held).toBeLessThanOrEqual(limit + record + 8 * 1024);
    peers.kill();
    await Promise.all(sending);
  });
});

/** argv: port, count; stdin: the CA's PEM. Prints one line once every client is paused. */
const NON_READING_CLIENTS = `
import * as tls from 'node:tls';
let ca = '';
for await (const piece of process.stdin) ca += piece;
const [port, count] = process.argv.slice(-2).map(Number);
const held = [];
for (let i = 0; i < count; i++) {
  held.push(await new Promise((resolve, reject) => {
    const socket = tls.connect({ port, host: '127.0.0.1', ca, servername: 'server.test' }, () => {
      socket.pause();
      resolve(socket);
    });
    socket.once('error', reject);
  }));
}
process.stdout.write('paused\\n');
setInterval(() => undefined, 1000);
`;
