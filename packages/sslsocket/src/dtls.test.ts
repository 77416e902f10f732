import { createSocket } from 'node:dgram';
import { DtlsConnection } from '@sslsocket/dtls';
import { generateSelfSigned } from '@sslsocket/pkix';
import { nodeProvider } from '@sslsocket/provider-node';
import { memoryDatagramPair } from '@sslsocket/transport';
import { describe, expect, it } from 'vitest';
import { connect, handshake, listen } from './api.js';
import { connectDtls, DtlsListenSocket } from './dtls-api.js';
import { DtlsSocket } from './dtls-socket.js';
import { SocketStateError } from './errors.js';

const id = await generateSelfSigned({ commonName: 'localhost' });

describe("protocol: 'dtls' (Erlang {protocol, dtls})", () => {
  it('connects, verifies the server, keeps message boundaries and agrees on exporters and SRTP', async () => {
    const server = await listen(0, {
      protocol: 'dtls',
      host: '127.0.0.1',
      cert: id.certificatePem,
      key: id.keyPem,
      srtpProfiles: ['SRTP_AEAD_AES_128_GCM', 'SRTP_AES128_CM_HMAC_SHA1_80'],
      alpnPreferredProtocols: ['coap'],
    });
    expect(server).toBeInstanceOf(DtlsListenSocket);
    // Erlang: {ok, T} = ssl:transport_accept(L), {ok, S} = ssl:handshake(T).
    const accepted = (async () => handshake(await server.transportAccept(10_000)))();
    const client = await connect('127.0.0.1', server.address.port, {
      protocol: 'dtls',
      versions: ['dtlsv1.2'],
      cacerts: [id.certificatePem],
      serverNameIndication: 'localhost',
      srtpProfiles: ['SRTP_AES128_CM_HMAC_SHA1_80', 'SRTP_AEAD_AES_128_GCM'],
      alpnAdvertisedProtocols: ['coap'],
    });
    const peer = await accepted;
    expect(client).toBeInstanceOf(DtlsSocket);
    expect(client.connectionInformation().protocol).toBe('dtlsv1.2');
    expect(client.negotiatedProtocol()).toBe('coap');
    // The server's preference wins (RFC 5764 §4.1.1).
    expect(client.srtpProfile()).toBe('SRTP_AEAD_AES_128_GCM');
    expect(peer.srtpProfile()).toBe('SRTP_AEAD_AES_128_GCM');
    const keys = client.srtpKeyingMaterial();
    expect(keys?.clientKey.length).toBe(16);
    expect(keys?.clientSalt.length).toBe(12);
    expect(peer.srtpKeyingMaterial()).toEqual(keys);
    expect(client.exportKeyingMaterial('EXPERIMENTAL x', Uint8Array.of(1), 24)).toEqual(
      peer.exportKeyingMaterial('EXPERIMENTAL x', Uint8Array.of(1), 24),
    );
    await client.send('one');
    await client.send(new Uint8Array(1000).fill(2));
    await client.send('three');
    expect(new TextDecoder().decode(await peer.recv())).toBe('one');
    expect((await peer.recv()).length).toBe(1000);
    expect(new TextDecoder().decode(await peer.recv())).toBe('three');
    await peer.send('back');
    expect(new TextDecoder().decode(await client.recv(0, 5000))).toBe('back');
    await client.close();
    await expect(peer.recv(0, 5000)).rejects.toBeInstanceOf(SocketStateError);
    await peer.close();
    await server.close();
  });

  it('resumes a session with reuseSession (the listener keeps session ids)', async () => {
    const server = await listen(0, { protocol: 'dtls', host: '127.0.0.1', cert: id.certificatePem, key: id.keyPem });
    const options = { protocol: 'dtls' as const, cacerts: [id.certificatePem], serverNameIndication: 'localhost' };
    const firstPeer = server.accept();
    const first = await connect('127.0.0.1', server.address.port, options);
    const firstAccepted = await firstPeer;
    expect(first.connectionInformation().sessionResumption).toBe(false);
    expect(first.savedSessions).toHaveLength(1);
    const secondPeer = server.accept();
    const second = await connect('127.0.0.1', server.address.port, {
      ...options,
      reuseSession: first.savedSessions[0],
    });
    expect(second.connectionInformation().sessionResumption).toBe(true);
    const secondAccepted = await secondPeer;
    expect(secondAccepted.connectionInformation().sessionResumption).toBe(true);
    expect(second.peercert()).toEqual(first.peercert());
    for (const s of [first, second, firstAccepted, secondAccepted]) await s.close();
    await server.close();
  });

  it('starts a new association when a client restarts from the same address (RFC 6347 §4.2.8)', async () => {
    const server = await listen(0, { protocol: 'dtls', host: '127.0.0.1', cert: id.certificatePem, key: id.keyPem });
    const udp = createSocket('udp4');
    await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
    let conn: DtlsConnection | undefined;
    const pump = (): void => {
      for (const d of conn?.takeDatagrams() ?? []) udp.send(d, server.address.port, '127.0.0.1');
      const c = conn;
      for (const e of c?.takeEvents() ?? []) {
        if (e.type !== 'timer' || e.delay === undefined) continue;
        setTimeout(() => {
          if (conn !== c) return;
          c?.handleTimeout();
          pump();
        }, e.delay);
      }
    };
    udp.on('message', (m) => {
      conn?.receive(new Uint8Array(m));
      pump();
    });
    // The same client address twice: a new DtlsConnection (fresh random) stands for a restarted client.
    const associate = async (): Promise<DtlsSocket> => {
      const accepted = server.accept();
      conn = DtlsConnection.client({
        provider: nodeProvider,
        serverName: 'localhost',
        pinnedCertificate: id.certificateDer,
      });
      conn.start();
      pump();
      const peer = await accepted;
      for (let i = 0; i < 100 && !conn.handshakeComplete; i++) await new Promise((r) => setTimeout(r, 20));
      expect(conn.handshakeComplete).toBe(true);
      return peer;
    };
    const first = await associate();
    const second = await associate();
    expect(second).not.toBe(first);
    // The old association is abandoned; the new one carries data.
    await expect(first.recv(0, 5000)).rejects.toBeInstanceOf(SocketStateError);
    (conn as unknown as DtlsConnection).write(new TextEncoder().encode('after restart'));
    pump();
    expect(new TextDecoder().decode(await second.recv(0, 5000))).toBe('after restart');
    udp.close();
    await second.close();
    await server.close();
  });

  it('fails verify_peer against an untrusted server with a TlsAlert', async () => {
    const other = await generateSelfSigned({ commonName: 'localhost' });
    const server = await listen(0, { protocol: 'dtls', host: '127.0.0.1', cert: id.certificatePem, key: id.keyPem });
    const accepted = server.accept().catch((e: unknown) => e);
    await expect(
      connect('127.0.0.1', server.address.port, { protocol: 'dtls', cacerts: [other.certificatePem] }),
    ).rejects.toMatchObject({ name: 'TlsAlert' });
    expect(await accepted).toMatchObject({ name: 'TlsAlert' });
    await server.close();
  });

  it('refuses TLS versions with protocol dtls', async () => {
    await expect(
      connect('127.0.0.1', 1, { protocol: 'dtls', versions: ['tlsv1.2' as 'dtlsv1.2'] }),
    ).rejects.toMatchObject({ name: 'OptionError', option: 'versions' });
  });

  it('completes over a lossy, reordering in-memory datagram pair with short timers', async () => {
    const [a, b] = memoryDatagramPair({ loss: 0.2, reorderMs: 15, duplicate: 0.1, seed: 4 });
    const server = await listen(0, { protocol: 'dtls', host: '127.0.0.1', cert: id.certificatePem, key: id.keyPem });
    const serving = server.handshake(b);
    const client = await connectDtls(
      'localhost',
      0,
      { protocol: 'dtls', cacerts: [id.certificatePem], retransmitInitialMs: 50, maxRetransmits: 20 },
      a,
    );
    const peer = await serving;
    expect(peer.connectionInformation().selectedCipherSuite).toMatch(/ECDHE_ECDSA/);
    await client.close();
    await peer.close();
    await server.close();
  });

  it('runs over any DatagramTransport with connect(transport, { protocol: "dtls", host })', async () => {
    const [a, b] = memoryDatagramPair();
    const server = await listen(0, { protocol: 'dtls', host: '127.0.0.1', cert: id.certificatePem, key: id.keyPem });
    const serving = server.handshake(b);
    const client = await connect(a, { protocol: 'dtls', host: 'localhost', cacerts: [id.certificatePem] });
    const peer = await serving;
    expect(client).toBeInstanceOf(DtlsSocket);
    expect(peer.connectionInformation().sniHostname).toBe('localhost');
    await client.send('over memory');
    expect(new TextDecoder().decode(await peer.recv(0, 5000))).toBe('over memory');
    await client.close();
    await peer.close();
    await server.close();
  });
});
