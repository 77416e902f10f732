import { generateSelfSigned } from '@sslsocket/pkix';
import { memoryPair } from '@sslsocket/transport';
import { beforeAll, describe, expect, it } from 'vitest';
import { connect, handshake, type SslSocket } from './index.js';
import { receive } from './test/receive.js';

let cert: Awaited<ReturnType<typeof generateSelfSigned>>;
beforeAll(async () => {
  cert = await generateSelfSigned({ altNames: ['write.test'] });
});

async function pair(provider: 'node' | 'webcrypto', highWaterMark?: number): Promise<[SslSocket, SslSocket]> {
  const [clientEnd, serverEnd] = memoryPair(highWaterMark === undefined ? {} : { highWaterMark, chunkSize: 4096 });
  const common = { provider, ciphers: ['TLS_AES_128_GCM_SHA256'] };
  // With a transport limit, the server's unread plaintext is capped too, so pushback reaches the client.
  const limit = highWaterMark === undefined ? {} : { highWaterMark };
  const server = handshake(serverEnd, { cert: cert.certificatePem, key: cert.keyPem, ...common, ...limit });
  const client = connect(clientEnd, { host: 'write.test', cacerts: [cert.certificatePem], ...common });
  server.catch(() => undefined);
  return [await client, await server];
}

describe('the send() write path', () => {
  it('with a synchronous provider, seals every record of a send and hands them over in one write before returning', async () => {
    const [client, server] = await pair('node');
    const before = client.transport.stats.writes;
    const data = Uint8Array.from({ length: 100_000 }, (_, i) => (i * 7 + (i >> 9)) & 0xff);
    const sent = client.send(data);
    // 100,000 bytes are 7 records of at most 2^14 (RFC 8446 §5.1), all in one transport write.
    expect(client.transport.stats.writes).toBe(before + 1);
    expect(client.transport.stats.bytesWritten).toBeGreaterThanOrEqual(100_000 + 7 * 22);
    await sent;
    expect(await receive(server, data.length)).toEqual(data);
    await client.close({ timeoutMs: 200 }).catch(() => undefined);
    await server.close({ timeoutMs: 200 }).catch(() => undefined);
  });

  it('waits for drain when the transport pushes back, and the bytes arrive in order', async () => {
    const [client, server] = await pair('node', 32 * 1024);
    const data = Uint8Array.from({ length: 256 * 1024 }, (_, i) => (i * 13 + (i >> 10)) & 0xff);
    let settled = false;
    const sent = client.send(data).then(() => {
      settled = true;
    });
    // Nobody reads the server: its inbox and the transport fill up, so the send must still wait.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    const received = await receive(server, data.length);
    await sent;
    expect(settled).toBe(true);
    expect(received).toEqual(data);
    await client.close({ timeoutMs: 200 }).catch(() => undefined);
    await server.close({ timeoutMs: 200 }).catch(() => undefined);
  });

  it('send after a failure or close rejects instead of throwing synchronously', async () => {
    const [client, server] = await pair('node');
    await client.close({ timeoutMs: 200 }).catch(() => undefined);
    let promise: Promise<void> | undefined;
    expect(() => {
      promise = client.send('late');
    }).not.toThrow();
    await expect(promise).rejects.toMatchObject({ name: 'SocketStateError' });
    await server.close({ timeoutMs: 200 }).catch(() => undefined);
  });

  it('with an asynchronous provider (WebCrypto), records still leave in order once sealed', async () => {
    const [client, server] = await pair('webcrypto');
    const parts = [1, 5000, 40_000, 3].map((length, n) => Uint8Array.from({ length }, (_, i) => (i + n * 11) & 0xff));
    const total = parts.reduce((sum, part) => sum + part.length, 0);
    const received = receive(server, total);
    await Promise.all(parts.map((part) => client.send(part)));
    const all = await received;
    let at = 0;
    for (const part of parts) {
      expect(all.subarray(at, at + part.length)).toEqual(part);
      at += part.length;
    }
    await client.close({ timeoutMs: 200 }).catch(() => undefined);
    await server.close({ timeoutMs: 200 }).catch(() => undefined);
  });

  it('gathers the small sends of one tick into one record and one transport write, in order', async () => {
    const [client, server] = await pair('node');
    const before = client.transport.stats.writes;
    const bytesBefore = client.transport.stats.bytesWritten;
    const parts = Array.from({ length: 40 }, (_, n) => Uint8Array.from({ length: 300 }, (_, i) => (i * 3 + n) & 0xff));
    const promises = parts.map((part) => client.send(part));
    // Nothing left yet: the batch is written from a microtask, after the caller's loop.
    expect(client.transport.stats.writes).toBe(before);
    await Promise.all(promises);
    // 12,000 bytes fit one record (RFC 8446 §5.1: 2^14): one write of 12,000 + 22 bytes
    // (5 header + 1 content type + 16 tag).
    expect(client.transport.stats.writes).toBe(before + 1);
    expect(client.transport.stats.bytesWritten - bytesBefore).toBe(12_000 + 22);
    const all = await receive(server, 12_000);
    for (const [n, part] of parts.entries()) expect(all.subarray(n * 300, (n + 1) * 300)).toEqual(part);
    await client.close({ timeoutMs: 200 }).catch(() => undefined);
    await server.close({ timeoutMs: 200 }).catch(() => undefined);
  });

  it('keeps the order of gathered small sends before a large send and before close_notify', async () => {
    const [client, server] = await pair('node');
    const small = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
    const large = Uint8Array.from({ length: 50_000 }, (_, i) => (i * 5 + 1) & 0xff);
    const tail = Uint8Array.from({ length: 10 }, (_, i) => 200 + i);
    const before = client.transport.stats.writes;
    const sends = [client.send(small), client.send(large)];
    // The large send writes at once, and the small one gathered before it leaves first, in the same write.
    expect(client.transport.stats.writes).toBe(before + 1);
    sends.push(client.send(tail));
    const closed = client.close({ timeoutMs: 500 }).catch(() => undefined);
    await Promise.all(sends);
    const all = await receive(server, 51_010);
    expect(all.subarray(0, 1000)).toEqual(small);
    expect(all.subarray(1000, 51_000)).toEqual(large);
    expect(all.subarray(51_000)).toEqual(tail);
    await closed;
    await server.close({ timeoutMs: 200 }).catch(() => undefined);
  });

  it('rejects gathered sends whose records never reached the transport', async () => {
    const [client, server] = await pair('node');
    const sent = client.send('lost');
    // The transport goes away before the microtask that would write the batch.
    client.transport.destroy();
    await expect(sent).rejects.toBeInstanceOf(Error);
    await server.close({ timeoutMs: 200 }).catch(() => undefined);
  });

  it('with WebCrypto, gathered sends and large ones still arrive in order', async () => {
    const [client, server] = await pair('webcrypto');
    const parts = [10, 20_000, 7, 7, 3000, 16_383, 1].map((length, n) =>
      Uint8Array.from({ length }, (_, i) => (i + n * 29) & 0xff),
    );
    const total = parts.reduce((sum, part) => sum + part.length, 0);
    const received = receive(server, total);
    await Promise.all(parts.map((part) => client.send(part)));
    const all = await received;
    let at = 0;
    for (const part of parts) {
      expect(all.subarray(at, at + part.length)).toEqual(part);
      at += part.length;
    }
    await client.close({ timeoutMs: 200 }).catch(() => undefined);
    await server.close({ timeoutMs: 200 }).catch(() => undefined);
  });
});
