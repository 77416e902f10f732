import { generateSelfSigned } from '@sslsocket/pkix';
import { createNodePoolProvider, type NodePoolProvider } from '@sslsocket/provider-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, listen, type SslListenSocket } from './index.js';

// Connections whose records are sealed and opened by the node provider's worker pool
// (createNodePoolProvider, #17): records finish out of order across the workers, some are done on
// the calling thread (maxQueued 1), and many sends are in flight at once. Every byte must arrive,
// once, in order: the pattern's prime period shows a lost, repeated or reordered piece.

const PERIOD = 4093;
const TOTAL = 4 * 1024 * 1024 + 333;

function patternAt(position: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (((position + i) % PERIOD) * 167 + 13) & 0xff;
  return out;
}

let cert: Awaited<ReturnType<typeof generateSelfSigned>>;
let listener: SslListenSocket | undefined;
let provider: NodePoolProvider;
beforeAll(async () => {
  cert = await generateSelfSigned({ altNames: ['pool.test'] });
  provider = createNodePoolProvider({ workers: 2, maxQueued: 1 });
});
afterAll(async () => {
  await listener?.close();
  await provider.close();
});

const CASES = [
  { name: 'TLS 1.3 AES-128-GCM', versions: ['tlsv1.3'], ciphers: ['TLS_AES_128_GCM_SHA256'] },
  { name: 'TLS 1.3 ChaCha20-Poly1305', versions: ['tlsv1.3'], ciphers: ['TLS_CHACHA20_POLY1305_SHA256'] },
  { name: 'TLS 1.2 ECDHE-ECDSA-AES128-GCM', versions: ['tlsv1.2'], ciphers: ['ECDHE-ECDSA-AES128-GCM-SHA256'] },
] as const;

describe('bulk transfer over TCP with the worker-pool provider at both ends', () => {
  for (const { name, versions, ciphers } of CASES) {
    it(`${name}: ${TOTAL} bytes, sends not awaited, arrive whole and in order`, async () => {
      const common = { provider, versions: [...versions], ciphers: [...ciphers] };
      listener = await listen(0, { host: '127.0.0.1', cert: cert.certificatePem, key: cert.keyPem, ...common });
      const accepted = listener.accept();
      const client = await connect('127.0.0.1', listener.address.port, {
        ...common,
        cacerts: [cert.certificatePem],
        serverNameIndication: 'pool.test',
        reuseSessions: false,
      });
      const server = await accepted;
      // Sends of several sizes (under a record, many records, mid-record ends), up to 1 MiB of
      // them in flight before one is awaited, as a bulk writer does.
      const sizes = [1000, 262_144, 70_000, 16_384, 5, 131_072, 33_333];
      const sending = (async () => {
        let sent = 0;
        let unawaited: Promise<void>[] = [];
        let unawaitedBytes = 0;
        for (let i = 0; sent < TOTAL; i++) {
          const size = Math.min(sizes[i % sizes.length] as number, TOTAL - sent);
          unawaited.push(server.send(patternAt(sent, size)));
          sent += size;
          unawaitedBytes += size;
          if (unawaitedBytes >= 1024 * 1024) {
            await Promise.all(unawaited);
            unawaited = [];
            unawaitedBytes = 0;
          }
        }
        await Promise.all(unawaited);
        await server.close({ timeoutMs: 5000 });
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
