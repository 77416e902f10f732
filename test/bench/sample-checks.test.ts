// What every benchmark sample checks (issue #17, bench/lib/tasks.mjs):
//  - every received byte (lib/pattern.mjs): a stack that drops, reorders or repeats a byte fails its
//    sample, with the stream offset in the reason, whether or not the stack swallows what its data
//    callback throws (sslsocket's read loop and the WebCrypto peers do);
//  - the row's version and suite (lib/negotiated.mjs): a connection that negotiated something else
//    fails the sample instead of timing other work.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Cfg {
  readonly version: string;
  readonly aead: string;
  readonly group: string;
  readonly cert: string;
}
interface Connection {
  onData(fn: (data: Uint8Array) => void): void;
  [key: string]: unknown;
}
interface Stack {
  readonly name: string;
  createServer(cfg: Cfg, onConnection: (connection: unknown) => void): Promise<unknown>;
  connect(port: number, cfg: Cfg, session?: unknown): Promise<Connection>;
}
type Bulk = (stack: Stack, args: { cfg: Cfg; bytes: number; writeSize: number }) => Promise<number>;
type Handshakes = (stack: Stack, args: { cfg: Cfg; count: number }) => Promise<number>;

const bench = (path: string): string => new URL(`../../bench/lib/${path}`, import.meta.url).href;
const cfg: Cfg = { version: '1.3', aead: 'AES-128-GCM', group: 'x25519', cert: 'ecdsa' };
const args = { cfg, bytes: 1024 * 1024, writeSize: 64 * 1024 };

let certDir: string;
let bulk: Bulk;
let handshakes: Handshakes;
let loadStack: (name: string) => Promise<Stack>;

beforeAll(async () => {
  // As the driver does (bench/lib/certs.mjs): a self-signed ECDSA P-256 certificate for localhost.
  const { makeCertificates } = (await import(bench('certs.mjs'))) as { makeCertificates: (kinds: string[]) => string };
  certDir = makeCertificates(['ecdsa']);
  // stacks.mjs reads BENCH_CERTS when it is loaded.
  process.env.BENCH_CERTS = certDir;
  ({ bulk, handshakes } = (await import(bench('tasks.mjs'))) as { bulk: Bulk; handshakes: Handshakes });
  ({ loadStack } = (await import(bench('stacks.mjs'))) as { loadStack: (name: string) => Promise<Stack> });
});

afterAll(() => {
  rmSync(certDir, { recursive: true, force: true });
  delete process.env.BENCH_CERTS;
});

/** `stack` with a client whose received chunks pass through `damage` (chunk number from 1). */
function damaged(stack: Stack, damage: (chunk: Uint8Array, index: number) => Uint8Array[]): Stack {
  return {
    name: stack.name,
    createServer: (c, onConnection) => stack.createServer(c, onConnection),
    async connect(port, c, session) {
      const connection = await stack.connect(port, c, session);
      const onData = connection.onData.bind(connection);
      let index = 0;
      connection.onData = (fn) =>
        onData((data) => {
          index++;
          for (const part of damage(Uint8Array.from(data), index)) fn(part);
        });
      return connection;
    },
  };
}

const DAMAGES: [string, (chunk: Uint8Array, index: number) => Uint8Array[]][] = [
  ['drops a byte', (chunk, index) => [index === 3 ? chunk.subarray(1) : chunk]],
  [
    'swaps two bytes',
    (chunk, index) => {
      if (index === 3) [chunk[0], chunk[1]] = [chunk[1] as number, chunk[0] as number];
      return [chunk];
    },
  ],
  ['repeats a chunk', (chunk, index) => (index === 3 ? [chunk, chunk] : [chunk])],
];

describe('bench: every received byte is checked', () => {
  for (const name of ['node:tls', 'sslsocket']) {
    it(`${name}: an undamaged stream gives a figure`, async () => {
      expect(await bulk(await loadStack(name), args)).toBeGreaterThan(0);
    });

    for (const [what, damage] of DAMAGES) {
      it(`${name}: a client that ${what} fails the sample, naming the offset`, async () => {
        await expect(bulk(damaged(await loadStack(name), damage), args)).rejects.toThrow(
          /received byte stream differs from what was sent near offset \d+/,
        );
      });
    }
  }
});

describe('bench: every sample runs the version and suite of its row', () => {
  // A server set up for AES-128-GCM under a ChaCha20-Poly1305 row, and sslsocket's client, which
  // offers every suite: the connection works, with the wrong suite.
  const chacha: Cfg = { ...cfg, aead: 'CHACHA20-POLY1305' };
  const misconfigured = async (): Promise<Stack> => {
    const node = await loadStack('node:tls');
    const sslsocket = await loadStack('sslsocket');
    return {
      name: 'misconfigured',
      createServer: (_c, onConnection) => node.createServer(cfg, onConnection),
      connect: (port, c, session) => sslsocket.connect(port, c, session),
    };
  };
  const wrong = /negotiated TLSv1\.3 TLS_AES_128_GCM_SHA256, the row is TLSv1\.3 TLS_CHACHA20_POLY1305_SHA256/;

  it('a bulk sample fails', async () => {
    await expect(bulk(await misconfigured(), { ...args, cfg: chacha })).rejects.toThrow(wrong);
  });

  it('a handshake sample fails', async () => {
    await expect(handshakes(await misconfigured(), { cfg: chacha, count: 3 })).rejects.toThrow(wrong);
  });

  it('the rows as configured pass (server and client of each stack)', async () => {
    for (const name of ['node:tls', 'sslsocket']) {
      expect(await handshakes(await loadStack(name), { cfg: chacha, count: 3 })).toBeGreaterThan(0);
    }
  });
});
