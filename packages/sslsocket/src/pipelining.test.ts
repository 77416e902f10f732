import { generateSelfSigned } from '@sslsocket/pkix';
import { TlsAlert } from '@sslsocket/suites';
import { memoryPair, type Transport } from '@sslsocket/transport';
import { beforeAll, describe, expect, it } from 'vitest';
import { connect, handshake, type SslSocket } from './index.js';
import { receive } from './test/receive.js';

let cert: Awaited<ReturnType<typeof generateSelfSigned>>;
beforeAll(async () => {
  cert = await generateSelfSigned({ altNames: ['pipe.test'] });
});

/**
 * A client/server pair on webcryptoProvider, whose AES-GCM opens are asynchronous and pipelined;
 * `wrapClient` may stand between the client and its end of the pipe.
 */
async function webcryptoPair(
  chunkSize: number,
  wrapClient: (end: Transport) => Transport = (end) => end,
): Promise<[SslSocket, SslSocket]> {
  const [pipeEnd, serverEnd] = memoryPair({ chunkSize });
  const clientEnd = wrapClient(pipeEnd);
  const common = {
    provider: (process.env.PIPE_PROVIDER ?? 'webcrypto') as 'webcrypto',
    ciphers: ['TLS_AES_128_GCM_SHA256'],
  };
  const server = handshake(serverEnd, { cert: cert.certificatePem, key: cert.keyPem, ...common });
  const client = connect(clientEnd, { host: 'pipe.test', cacerts: [cert.certificatePem], ...common });
  server.catch(() => undefined);
  return [await client, await server];
}

/** Bytes whose value depends on their position, so a reordered or repeated record shows. */
function pattern(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed + (i >> 8)) & 0xff;
  return out;
}

/**
 * Where two byte strings first differ (-1 when equal). Deep equality over 600 KB arrays took most of
 * this test's 30 s budget on a loaded machine; this says the same and where.
 */
function firstDifference(actual: Uint8Array, expected: Uint8Array): number {
  const length = Math.min(actual.length, expected.length);
  for (let i = 0; i < length; i++) if (actual[i] !== expected[i]) return i;
  return actual.length === expected.length ? -1 : length;
}

/** A transport that counts what it read and flips one byte at `flipAt` (counted from the start). */
interface Flipping extends Transport {
  flipAt: number | undefined;
  readonly bytesRead: number;
}

function flipping(inner: Transport): Flipping {
  let seen = 0;
  return {
    flipAt: undefined,
    get bytesRead() {
      return seen;
    },
    async read() {
      const chunk = await inner.read();
      if (chunk === null) return null;
      const at = this.flipAt;
      if (at !== undefined && at >= seen && at < seen + chunk.length) chunk[at - seen] ^= 0x01;
      seen += chunk.length;
      return chunk;
    },
    write: (data) => inner.write(data),
    drained: () => inner.drained(),
    closeWrite: () => inner.closeWrite(),
    close: () => inner.close(),
    destroy: (error) => inner.destroy(error),
    get closed() {
      return inner.closed;
    },
    get remoteAddress() {
      return inner.remoteAddress;
    },
    get localAddress() {
      return inner.localAddress;
    },
    get stats() {
      return inner.stats;
    },
    setNoDelay: (enabled) => inner.setNoDelay(enabled),
  };
}

describe('pipelined WebCrypto records through the socket', () => {
  it('bulk data arrives whole and in order, whatever the transport chunking', async () => {
    for (const chunkSize of [65_536, 5_000]) {
      const [client, server] = await webcryptoPair(chunkSize);
      const data = pattern(600_000, chunkSize);
      const receiving = receive(client, data.length);
      await server.send(data);
      expect(firstDifference(await receiving, data)).toBe(-1);
      await client.close({ timeoutMs: 200 });
    }
  });

  it('a KeyUpdate in the middle of a stream: records opened ahead with the old keys are opened again', async () => {
    const [client, server] = await webcryptoPair(65_536);
    const first = pattern(100_000, 1);
    const second = pattern(100_000, 2);
    const receiving = receive(client, 200_000);
    // RFC 8446 §4.6.3: records after the KeyUpdate use the next generation of keys; the client
    // gets them in the same transport chunks as the old-key records before them.
    server.connection.write(first);
    server.connection.keyUpdate(false);
    server.connection.write(second);
    await server.send(new Uint8Array(0));
    const all = await receiving;
    expect(firstDifference(all.subarray(0, 100_000), first)).toBe(-1);
    expect(firstDifference(all.subarray(100_000), second)).toBe(-1);
    await client.close({ timeoutMs: 200 });
  });

  it('a record that fails to open mid-stream is bad_record_mac in its turn: what came before arrives, nothing after', async () => {
    let wire: Flipping | undefined;
    const [client, server] = await webcryptoPair(65_536, (end) => {
      wire = flipping(end);
      return wire;
    });
    if (wire === undefined) throw new Error('no client transport');
    // Inside the sixth full record from here (RFC 8446 §5.2: 5-byte header, 16384 + 1 + 16 bytes);
    // a session ticket the server may send first moves it into the fifth.
    wire.flipAt = wire.bytesRead + 5 * (5 + 16_384 + 17) + 100;
    const data = pattern(600_000, 3);
    // One send of 600 kB: the client's transport has many chunks waiting, which it reads ahead
    // while earlier records are being opened.
    server.send(data).catch(() => undefined);
    const received: Uint8Array[] = [];
    let failure: unknown;
    try {
      for await (const chunk of client) received.push(chunk.slice());
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(TlsAlert);
    expect((failure as TlsAlert).description).toBe('bad_record_mac');
    const got = new Uint8Array(received.reduce((n, chunk) => n + chunk.length, 0));
    let at = 0;
    for (const chunk of received) {
      got.set(chunk, at);
      at += chunk.length;
    }
    expect([4 * 16_384, 5 * 16_384]).toContain(got.length);
    expect(firstDifference(got, data.subarray(0, got.length))).toBe(-1);
    server.transport.destroy();
  });
});
