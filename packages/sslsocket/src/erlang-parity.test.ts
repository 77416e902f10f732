import { generateCaChain } from '@sslsocket/pkix';
import { memoryPair } from '@sslsocket/transport';
import { beforeAll, describe, expect, it } from 'vitest';
import { connect, handshake, OptionError, SocketStateError, type SslSocket } from './index.js';

// Issue #22, Erlang parity: `packet` / `packet_size` framing in passive and active modes, through
// setopts/getopts, and connection_information/2 returning just the named items.

let ca: Awaited<ReturnType<typeof generateCaChain>>;
beforeAll(async () => {
  ca = await generateCaChain({ altNames: ['server.test'] });
});

async function pair(server: object = {}, client: object = {}): Promise<[SslSocket, SslSocket]> {
  const [clientEnd, serverEnd] = memoryPair({ chunkSize: 5 });
  const accepted = handshake(serverEnd, { cert: ca.leaf.certificatePem, key: ca.leaf.keyPem, ...server });
  accepted.catch(() => undefined);
  const connected = await connect(clientEnd, { host: 'server.test', cacerts: [ca.ca.certificatePem], ...client });
  return [connected, await accepted];
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (...parts: (number | string)[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'number' ? [p] : [...new TextEncoder().encode(p)])));
const tick = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

describe('packet framing (Erlang {packet, 1 | 2 | 4 | line}, packet_size)', () => {
  it('packet 2, passive: one packet per recv whatever the length asked and the record split', async () => {
    const [client, server] = await pair({}, { packet: 2 });
    // Headers split across records, an empty packet, two packets in one record.
    await server.send(bytes(0));
    await server.send(bytes(3, 'a'));
    await server.send(bytes('bc', 0, 0, 0, 2, 'de'));
    expect(text(await client.recv())).toBe('abc');
    expect((await client.recv(100)).length).toBe(0);
    expect(text(await client.recv(1))).toBe('de');
    expect(client.getopts()).toEqual({ active: false, packet: 2, packetSize: 0 });
    await client.close({ timeoutMs: 200 });
  });

  it('packet 4 adds the header on send and strips it on receive; active events carry one packet', async () => {
    const [client, server] = await pair({ active: true, packet: 4 }, { packet: 4 });
    const got: string[] = [];
    server.on('data', (data) => got.push(text(data)));
    await client.send('hello');
    await client.send(new Uint8Array(70_000).fill(0x41));
    await client.send('');
    await tick(100);
    expect(got.map((g) => g.length)).toEqual([5, 70_000, 0]);
    expect(got[0]).toBe('hello');
    // The raw side sees the 4-byte big-endian header.
    server.setopts({ active: false, packet: 'raw' });
    client.setopts({ packet: 0 });
    await server.send(bytes(0, 0, 0, 2, 'ok'));
    expect(text(await client.recv(6))).toBe('\0\0\0\u0002ok');
    await client.close({ timeoutMs: 200 });
  });

  it('packet 1 refuses a send that does not fit its header (Erlang emsgsize)', async () => {
    const [client] = await pair({}, { packet: 1 });
    await expect(client.send(new Uint8Array(256))).rejects.toMatchObject({ reason: 'emsgsize' });
    await client.send(new Uint8Array(255));
    await client.close({ timeoutMs: 200 });
  });

  it('line mode in active N: one line per event, then passive; recv takes the next line', async () => {
    const [client, server] = await pair({}, { packet: 'line' });
    const lines: string[] = [];
    let passive = 0;
    client.on('data', (data) => lines.push(text(data)));
    client.on('passive', () => passive++);
    client.setopts({ active: 2 });
    await server.send('one\ntwo\nthr');
    await server.send('ee\nfour');
    await tick();
    expect(lines).toEqual(['one\n', 'two\n']);
    expect(passive).toBe(1);
    expect(text(await client.recv())).toBe('three\n');
    // A last line without its newline still arrives when the peer closes.
    await server.close({ timeoutMs: 200 });
    expect(text(await client.recv())).toBe('four');
    await expect(client.recv()).rejects.toMatchObject({ reason: 'closed' });
  });

  it('packetSize: a longer length-prefixed packet fails with emsgsize, a longer line comes in pieces', async () => {
    const [client, server] = await pair({}, { packet: 2, packetSize: 4 });
    await server.send(bytes(0, 4, 'abcd', 0, 5, 'abcde'));
    expect(text(await client.recv())).toBe('abcd');
    const error = await client.recv().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SocketStateError);
    expect(error).toMatchObject({ reason: 'emsgsize' });

    const [lineClient, lineServer] = await pair({}, { packet: 'line', packetSize: 4 });
    await lineServer.send('abcdefg\nhi\n');
    expect([text(await lineClient.recv()), text(await lineClient.recv()), text(await lineClient.recv())]).toEqual([
      'abcd',
      'efg\n',
      'hi\n',
    ]);
    await lineClient.close({ timeoutMs: 200 });
  });

  it('a stream that ends inside a packet is reported, not silently dropped', async () => {
    const [client, server] = await pair({}, { packet: 2 });
    await server.send(bytes(0, 9, 'abc'));
    await server.close({ timeoutMs: 200 });
    await expect(client.recv()).rejects.toMatchObject({ reason: 'truncated' });
  });

  it('setopts switches framing mid-stream (unfinished bytes are cut again) and checks its options', async () => {
    const [client, server] = await pair();
    await server.send('raw bytes|');
    expect(text(await client.recv(10))).toBe('raw bytes|');
    await server.send(bytes('ab\n', 0));
    await tick();
    expect(text(await client.recv(3))).toBe('ab\n');
    client.setopts({ packet: 2 });
    await server.send(bytes(2, 'xy'));
    expect(text(await client.recv())).toBe('xy');
    expect(() => client.setopts({ packet: 3 } as never)).toThrow(OptionError);
    expect(() => client.setopts({ verify: 'verify_none' } as never)).toThrow(
      /setopts changes active, packet, packetSize/,
    );
    await client.close({ timeoutMs: 200 });
  });
});

describe('connectionInformation(items) (Erlang connection_information/2)', () => {
  it('returns just the named items, secrets included when named, and refuses unknown names', async () => {
    const [client] = await pair({}, { versions: ['tlsv1.2'] });
    const some = client.connectionInformation(['protocol', 'alpn', 'masterSecret']);
    expect(Object.keys(some).sort()).toEqual(['alpn', 'masterSecret', 'protocol']);
    expect(some.protocol).toBe('tlsv1.2');
    expect(some.masterSecret?.length).toBe(48);
    const all = client.connectionInformation();
    expect(all.masterSecret).toBeUndefined();
    expect(all.selectedCipherSuite).toMatch(/^TLS_ECDHE_/);
    expect(() => client.connectionInformation(['cipher' as never])).toThrow(/unknown item "cipher"/);
    await client.close({ timeoutMs: 200 });
  });
});
