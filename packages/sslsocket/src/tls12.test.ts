import { generateCaChain } from '@sslsocket/pkix';
import { memoryPair } from '@sslsocket/transport';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ClientOptions, connect, handshake, listen, type ServerOptions, type SslSocket } from './index.js';
import type { Tls12ClientOptions, Tls12ServerOptions } from './tls12-options.js';

let ca: Awaited<ReturnType<typeof generateCaChain>>;

beforeAll(async () => {
  ca = await generateCaChain({ altNames: ['server.test'] });
});

async function pair(
  client: ClientOptions & Tls12ClientOptions = {},
  server: ServerOptions & Tls12ServerOptions = {},
): Promise<[SslSocket, SslSocket]> {
  const [clientEnd, serverEnd] = memoryPair({ chunkSize: 1000 });
  const s = handshake(serverEnd, { cert: ca.leaf.certificatePem, key: ca.leaf.keyPem, ...server });
  const c = connect(clientEnd, {
    host: 'server.test',
    cacerts: [ca.ca.certificatePem],
    versions: ['tlsv1.2'],
    ...client,
  });
  s.catch(() => undefined);
  return [await c, await s];
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('sslsocket over TLS 1.2', () => {
  it('negotiates TLS 1.2 with EMS and agrees on prf, exporters and the master secret', async () => {
    const [client, server] = await pair();
    // Erlang connection_information/2 returns just the items named (issue #22).
    const info = client.connectionInformation([
      'protocol',
      'extendedMasterSecret',
      'secureRenegotiation',
      'masterSecret',
      'clientRandom',
      'serverRandom',
    ]);
    expect(info.protocol).toBe('tlsv1.2');
    expect(info.extendedMasterSecret).toBe(true);
    expect(info.secureRenegotiation).toBe(true);
    expect(info.masterSecret?.length).toBe(48);
    expect(server.connectionInformation(['masterSecret']).masterSecret).toEqual(info.masterSecret);
    expect(client.connectionInformation().masterSecret).toBeUndefined();
    expect(client.prf('label', ['clientRandom', 'serverRandom'], 20)).toEqual(
      server.prf('label', ['clientRandom', 'serverRandom'], 20),
    );
    // Erlang prf/5 with the master secret named, or given as bytes, is the same PRF.
    const master = info.masterSecret as Uint8Array;
    expect(client.prf('label', ['clientRandom'], 16, master)).toEqual(server.prf('label', ['clientRandom'], 16));
    // RFC 5705: an absent context differs from an empty one.
    const withEmpty = client.exportKeyingMaterial('EXPERIMENTAL x', new Uint8Array(0), 16);
    expect(client.exportKeyingMaterial('EXPERIMENTAL x', undefined, 16)).not.toEqual(withEmpty);
    expect(server.exportKeyingMaterial('EXPERIMENTAL x', new Uint8Array(0), 16)).toEqual(withEmpty);
    await client.send('ping');
    expect(text(await server.recv(4))).toBe('ping');
    await client.close();
    await server.close();
  });

  it.each(['webcrypto', 'noble'] as const)(
    'works with the %s provider (asynchronous crypto included)',
    async (provider) => {
      const [client, server] = await pair(
        { provider, ciphers: ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'] },
        { provider },
      );
      expect(client.connectionInformation().selectedCipherSuite).toBe('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
      const big = new Uint8Array(200_000).fill(9);
      const reading = server.recv(big.length);
      await client.send(big);
      expect((await reading).length).toBe(big.length);
      await client.close();
      await server.close();
    },
  );

  it.each([['tlsv1.2'], ['tlsv1.3']] as const)(
    'keepSecrets: connectionInformation([keylog]) for %s',
    async (version) => {
      const [client] = await pair({ keepSecrets: true, versions: [version] });
      const lines = client.connectionInformation(['keylog']).keylog ?? [];
      expect(lines.length).toBeGreaterThan(0);
      expect(lines[0]).toMatch(
        version === 'tlsv1.2' ? /^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/ : /^[A-Z_]+ [0-9a-f]{64} [0-9a-f]+$/,
      );
      expect(client.connectionInformation().keylog).toBeUndefined();
      await client.close();
    },
  );

  it('renegotiates from either side while data flows', async () => {
    const [client, server] = await pair();
    const reading = server.recv(5);
    await client.renegotiate();
    await client.send('hello');
    expect(text(await reading)).toBe('hello');
    const serverSide = server.renegotiate();
    // The client answers the HelloRequest as it reads.
    const echo = client.recv(3);
    await server.send('abc');
    await serverSide;
    expect(text(await echo)).toBe('abc');
    expect(client.connectionInformation().protocol).toBe('tlsv1.2');
    await client.close();
    await server.close();
  });

  it('a refused renegotiation rejects with no_renegotiation and the connection lives on', async () => {
    const [client, server] = await pair({}, { clientRenegotiation: false });
    const refused = client.renegotiate();
    const reading = server.recv(2);
    await expect(refused).rejects.toMatchObject({ description: 'no_renegotiation' });
    await client.send('ok');
    expect(text(await reading)).toBe('ok');
    await client.close();
    await server.close();
  });

  it('resumes a session id from the listener cache (sessionLifetime / sessionCacheServerMax)', async () => {
    const server = await listen(0, {
      host: '127.0.0.1',
      cert: ca.leaf.certificatePem,
      key: ca.leaf.keyPem,
      sessionTickets: 'disabled',
      sessionLifetime: 60,
      sessionCacheServerMax: 10,
    });
    const port = (server.address as { port: number }).port;
    const accept = async () => {
      const s = await server.accept();
      await s.close();
    };
    const options = {
      cacerts: [ca.ca.certificatePem],
      serverNameIndication: 'server.test',
      versions: ['tlsv1.2'] as const,
    };
    const acceptFirst = accept();
    const first = await connect('127.0.0.1', port, { ...options });
    expect(first.connectionInformation().sessionResumption).toBe(false);
    await first.close();
    await acceptFirst;
    const acceptSecond = accept();
    const second = await connect('127.0.0.1', port, { ...options });
    expect(second.connectionInformation().sessionResumption).toBe(true);
    await second.close();
    await acceptSecond;
    await server.close();
  });

  it.each([['tlsv1.3'], ['tlsv1.2']] as const)(
    'transportAccept + handshake(transport) uses the listener configuration: %s resumes',
    async (version) => {
      const server = await listen(0, { host: '127.0.0.1', cert: ca.leaf.certificatePem, key: ca.leaf.keyPem });
      const port = (server.address as { port: number }).port;
      const serveOne = async () => {
        const socket = await handshake(await server.transportAccept());
        await socket.send('x');
        await socket.close();
      };
      const options = { cacerts: [ca.ca.certificatePem], serverNameIndication: 'server.test', versions: [version] };
      const resumed: boolean[] = [];
      for (let i = 0; i < 2; i++) {
        const serving = serveOne();
        const client = await connect('127.0.0.1', port, options);
        await client.recv(1);
        resumed.push(client.connectionInformation().sessionResumption);
        await client.close();
        await serving;
      }
      expect(resumed).toEqual([false, true]);
      await server.close();
    },
  );

  it('transportAccept(timeoutMs) times out, and the late connection goes to the next call', async () => {
    const server = await listen(0, { host: '127.0.0.1', cert: ca.leaf.certificatePem, key: ca.leaf.keyPem });
    const port = (server.address as { port: number }).port;
    await expect(server.transportAccept(50)).rejects.toMatchObject({ name: 'TimeoutError' });
    const client = connect('127.0.0.1', port, { cacerts: [ca.ca.certificatePem], serverNameIndication: 'server.test' });
    const socket = await handshake(await server.transportAccept(5000));
    await (await client).close();
    await socket.close();
    await server.close();
  });

  it('DHE with custom parameters from the dh option', async () => {
    const pem = [
      '-----BEGIN DH PARAMETERS-----',
      ...(Buffer.from(dhDer())
        .toString('base64')
        .match(/.{1,64}/g) as string[]),
      '-----END DH PARAMETERS-----',
    ].join('\n');
    const [client] = await pair(
      {
        ciphers: ['TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'],
        eccs: ['x25519', 'secp256r1'],
      },
      { dh: pem },
    );
    // The CA chain is ECDSA, so DHE_RSA cannot be chosen: ECDHE wins. The option still parses.
    expect(client.connectionInformation().selectedCipherSuite).toBe('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
  });
});

/** A tiny PKCS#3 DHParameter (p = 2^127 - 1 is not safe, but parsing is all this checks). */
function dhDer(): Uint8Array {
  const p = [0x7f, ...new Array(15).fill(0xff)];
  return Uint8Array.of(0x30, 2 + p.length + 3, 0x02, p.length, ...p, 0x02, 0x01, 0x02);
}
