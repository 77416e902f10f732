import { generateSelfSigned } from '@sslsocket/pkix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, listen, type SslListenSocket } from './index.js';

// The bulk data path with the node provider over real TCP: whole records are opened where the TCP
// chunk lies and only records cut by a chunk boundary are put together (RecordReader.lend), sealed
// flights use uninitialised memory (output-memory.ts). Every byte must arrive, once, in order,
// whatever the chunking: the pattern has a prime period, so a lost, repeated or reordered piece of
// any record or chunk size shows.

const PERIOD = 4093;
const TOTAL = 6 * 1024 * 1024 + 777;

function patternAt(position: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (((position + i) % PERIOD) * 167 + 13) & 0xff;
  return out;
}

let cert: Awaited<ReturnType<typeof generateSelfSigned>>;
let listener: SslListenSocket | undefined;
beforeAll(async () => {
  cert = await generateSelfSigned({ altNames: ['bulk.test'] });
});
afterAll(async () => {
  await listener?.close();
});

const CASES = [
  { name: 'TLS 1.3 AES-128-GCM', versions: ['tlsv1.3'], ciphers: ['TLS_AES_128_GCM_SHA256'] },
  { name: 'TLS 1.3 ChaCha20-Poly1305', versions: ['tlsv1.3'], ciphers: ['TLS_CHACHA20_POLY1305_SHA256'] },
  { name: 'TLS 1.2 ECDHE-ECDSA-AES128-GCM', versions: ['tlsv1.2'], ciphers: ['ECDHE-ECDSA-AES128-GCM-SHA256'] },
] as const;

describe('bulk transfer over TCP with the node provider', () => {
  for (const { name, versions, ciphers } of CASES) {
    it(`${name}: ${TOTAL} bytes in sends of odd sizes arrive whole and in order`, async () => {
      const common = { provider: 'node' as const, versions: [...versions], ciphers: [...ciphers] };
      listener = await listen(0, { host: '127.0.0.1', cert: cert.certificatePem, key: cert.keyPem, ...common });
      const accepted = listener.accept();
      const client = await connect('127.0.0.1', listener.address.port, {
        ...common,
        cacerts: [cert.certificatePem],
        serverNameIndication: 'bulk.test',
        reuseSessions: false,
      });
      const server = await accepted;
      // Sends of several sizes: under a record, a few records, and ones that end mid-record.
      const sizes = [1000, 70_000, 16_384, 250_001, 5, 131_072, 33_333];
      const sending = (async () => {
        let sent = 0;
        for (let i = 0; sent < TOTAL; i++) {
          const size = Math.min(sizes[i % sizes.length] as number, TOTAL - sent);
          await server.send(patternAt(sent, size));
          sent += size;
        }
        await server.close({ timeoutMs: 2000 });
      })();
      let received = 0;
      let mismatch = -1;
      for await (const chunk of client) {
        const expected = patternAt(received, chunk.length);
        if (mismatch < 0 && chunk.some((byte, i) => byte !== expected[i])) mismatch = received;
        received += chunk.length;
      }
      await sending;
      expect(mismatch).toBe(-1);
      expect(received).toBe(TOTAL);
      await client.close({ timeoutMs: 1000 }).catch(() => undefined);
      await listener.close();
      listener = undefined;
    });
  }
});
