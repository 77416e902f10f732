import { createSocket } from 'node:dgram';
import { generateSelfSigned } from '@sslsocket/pkix';
import { memoryDatagramPair } from '@sslsocket/transport';
import { describe, expect, it } from 'vitest';
import { connect, handshake, listen } from './api.js';
import { connectDtls } from './dtls-api.js';

const id = await generateSelfSigned({ commonName: 'localhost' });
const settle = (ms = 50): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A DTLS association over an in-memory datagram pair, with the server's socket options. */
async function pair(server: Record<string, unknown> = {}) {
  const [a, b] = memoryDatagramPair();
  const listener = await listen(0, {
    protocol: 'dtls',
    host: '127.0.0.1',
    cert: id.certificatePem,
    key: id.keyPem,
    ...server,
  });
  const serving = listener.handshake(b);
  const client = await connectDtls('localhost', 0, { protocol: 'dtls', cacerts: [id.certificatePem] }, a);
  const peer = await serving;
  return { listener, client, peer };
}

/** Whether this host can bind the IPv6 loopback (containers without IPv6 cannot). */
const ipv6 = await new Promise<boolean>((resolve) => {
  const probe = createSocket('udp6');
  probe.once('error', () => resolve(false));
  probe.bind(0, '::1', () => probe.close(() => resolve(true)));
});
if (!ipv6) console.warn('dtls-limits.test: no IPv6 loopback here, the ::1 test is skipped');

describe('DTLS socket limits', () => {
  it.skipIf(!ipv6)(
    'listens on every interface by default (dual-stack, as TLS): a client over ::1 connects',
    async () => {
      const server = await listen(0, { protocol: 'dtls', cert: id.certificatePem, key: id.keyPem });
      expect(server.address.address).toBe('::');
      const accepting = server.accept();
      const client = await connect('::1', server.address.port, {
        protocol: 'dtls',
        cacerts: [id.certificatePem],
        serverNameIndication: 'localhost',
      });
      const peer = await accepting;
      expect(peer.peername()?.address).toBe('::1');
      await client.close();
      await peer.close();
      await server.close();
    },
  );

  it('bounds the datagrams waiting for recv(): newer ones are dropped and counted, later ones still arrive', async () => {
    const { listener, client, peer } = await pair({ maxQueuedDatagrams: 8 });
    for (let i = 0; i < 100; i++) await client.send(new Uint8Array(8000).fill(i));
    await settle();
    expect(peer.stats).toEqual({ queued: 8, dropped: 92 });
    // The oldest data is kept, in order (a full UDP receive buffer drops what arrives).
    for (let i = 0; i < 8; i++) expect((await peer.recv(0, 1000))[0]).toBe(i);
    await client.send('after');
    expect(new TextDecoder().decode(await peer.recv(0, 5000))).toBe('after');
    expect(peer.stats).toEqual({ queued: 0, dropped: 92 });
    await client.close();
    await peer.close();
    await listener.close();
  });

  it('holds at most 1024 unread datagrams by default', async () => {
    const { listener, client, peer } = await pair();
    for (let i = 0; i < 1100; i++) {
      await client.send(new Uint8Array(100));
      if (i % 100 === 0) await settle(0);
    }
    await settle();
    expect(peer.stats).toEqual({ queued: 1024, dropped: 76 });
    await client.close();
    await peer.close();
    await listener.close();
  });

  it('hands a peer that arrives after a transportAccept timeout to the next transportAccept', async () => {
    const server = await listen(0, { protocol: 'dtls', host: '127.0.0.1', cert: id.certificatePem, key: id.keyPem });
    await expect(server.transportAccept(50)).rejects.toMatchObject({ name: 'TimeoutError' });
    const connecting = connect('127.0.0.1', server.address.port, {
      protocol: 'dtls',
      cacerts: [id.certificatePem],
      serverNameIndication: 'localhost',
      handshakeTimeoutMs: 10_000,
    });
    const peer = await handshake(await server.transportAccept(10_000));
    const client = await connecting;
    await client.send('hello');
    expect(new TextDecoder().decode(await peer.recv(0, 5000))).toBe('hello');
    await client.close();
    await peer.close();
    await server.close();
  });

  it('drops a peer that passed the cookie check but was not accepted within maxAcceptWaitMs', async () => {
    const server = await listen(0, {
      protocol: 'dtls',
      host: '127.0.0.1',
      cert: id.certificatePem,
      key: id.keyPem,
      maxAcceptWaitMs: 1500,
    });
    const options = { protocol: 'dtls', cacerts: [id.certificatePem], serverNameIndication: 'localhost' } as const;
    // A client that gives up before anyone accepts it: admitted (its second ClientHello had the cookie).
    await expect(
      connect('127.0.0.1', server.address.port, { ...options, handshakeTimeoutMs: 1000 }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(server.stats.peers).toBe(1);
    for (let i = 0; i < 100 && server.stats.peers > 0; i++) await settle();
    expect(server.stats).toEqual({ peers: 0, expired: 1 });
    // The next accept gets a live client, not the dead one.
    const accepting = server.accept();
    const client = await connect('127.0.0.1', server.address.port, { ...options, handshakeTimeoutMs: 10_000 });
    const peer = await accepting;
    await client.send('live');
    expect(new TextDecoder().decode(await peer.recv(0, 5000))).toBe('live');
    await client.close();
    await peer.close();
    await server.close();
  });

  it('fragments handshake flights to mtu but sends application data as one datagram (RFC 6347 §4.1.1, as OpenSSL)', async () => {
    const [a, b] = memoryDatagramPair();
    const sizes: number[] = [];
    const send = a.send.bind(a);
    a.send = (datagram: Uint8Array): void => {
      sizes.push(datagram.length);
      send(datagram);
    };
    const listener = await listen(0, { protocol: 'dtls', host: '127.0.0.1', cert: id.certificatePem, key: id.keyPem });
    const serving = listener.handshake(b);
    const client = await connectDtls('localhost', 0, { protocol: 'dtls', cacerts: [id.certificatePem], mtu: 576 }, a);
    const peer = await serving;
    expect(Math.max(...sizes)).toBeLessThanOrEqual(576);
    sizes.length = 0;
    await client.send(new Uint8Array(3000).fill(5));
    // 13-byte record header plus the AEAD expansion (24 for AES-GCM, 16 for ChaCha20-Poly1305).
    expect(sizes).toHaveLength(1);
    expect([3000 + 37, 3000 + 29]).toContain(sizes[0]);
    expect((await peer.recv(0, 5000)).length).toBe(3000);
    await client.close();
    await peer.close();
    await listener.close();
  });

  it('refuses a maxQueuedDatagrams that is not a positive integer', async () => {
    await expect(
      connectDtls('localhost', 0, { protocol: 'dtls', maxQueuedDatagrams: 0 }, memoryDatagramPair()[0]),
    ).rejects.toMatchObject({ name: 'OptionError', option: 'maxQueuedDatagrams' });
  });
});
