/**
 * What an idle, established connection keeps (#21: JS heap per idle connection, #17's memory row).
 * N client+server pairs over loopback TCP, opened after a warm-up and left idle once their
 * post-handshake messages (TLS 1.3 tickets) arrived; a full GC before and after. The bound is
 * memory, not time, so it is fit for `npm test`: about 19 KiB per pair when this test was written
 * (node:tls about 6.5 KiB), 30 KiB before the handshake's state, the socket's eager Promises and
 * closures were dropped; about 17 KiB since the transport's shared listeners, the released TLS 1.3
 * client verifier, the send queue made on demand and the lists made on first push (#17). `node scripts/heap-per-connection.mjs` measures each role on its own,
 * beside node:tls.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { generateCaChain } from '@sslsocket/pkix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, listen, type SslListenSocket, type SslSocket } from './index.js';

/** Pairs measured; the per-pair figure is the heap growth divided by this. */
const PAIRS = 200;
/** Pairs opened first, so compiled code and first-use caches are not counted per connection. */
const WARM_UP = 40;
/** KiB of JS heap one idle pair may keep: ~17 measured; 20 leaves room for noise, 30 (before) fails. */
const BOUND_KIB = 20;

let ca: Awaited<ReturnType<typeof generateCaChain>>;
let listener: SslListenSocket;
const sockets: SslSocket[] = [];

async function collectGarbage(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Opens `count` pairs and waits until the listener handed over every server end. */
async function openPairs(count: number): Promise<void> {
  const servers = (async () => {
    for (let i = 0; i < count; i++) sockets.push(await listener.accept());
  })();
  for (let i = 0; i < count; i++) {
    sockets.push(
      await connect('127.0.0.1', listener.address.port, {
        cacerts: [ca.ca.certificatePem],
        serverNameIndication: 'server.test',
        reuseSessions: false,
      }),
    );
  }
  await servers;
  // The server's NewSessionTicket follows its handshake; let it arrive and settle.
  await new Promise((resolve) => setTimeout(resolve, 200));
}

function timers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}

beforeAll(async () => {
  ca = await generateCaChain({ altNames: ['server.test'] });
  listener = await listen(0, { host: '127.0.0.1', cert: ca.leaf.certificatePem, key: ca.leaf.keyPem });
});

afterAll(async () => {
  for (const socket of sockets) socket.transport.destroy();
  await listener.close();
});

describe('an idle established connection', () => {
  it(`keeps under ${BOUND_KIB} KiB of JS heap per client+server pair, and no timer`, async () => {
    await openPairs(WARM_UP);
    await collectGarbage();
    const before = getHeapStatistics().used_heap_size;
    const timersBefore = timers();
    await openPairs(PAIRS);
    await collectGarbage();
    const perPairKiB = (getHeapStatistics().used_heap_size - before) / PAIRS / 1024;
    // Every pair is still open (the measurement is of live connections, not of garbage).
    expect(sockets.length).toBe(2 * (WARM_UP + PAIRS));
    expect(sockets.every((socket) => socket.error === undefined)).toBe(true);
    expect(perPairKiB).toBeGreaterThan(1);
    expect(perPairKiB).toBeLessThan(BOUND_KIB);
    // No timeout was asked for: an idle socket arms no timer (the handshake timeout is cleared).
    expect(timers() - timersBefore).toBeLessThanOrEqual(2);
  }, 120_000);

  it('makes no send queue for sends that never wait (sendQueueLimit not reached)', async () => {
    const [client, server] = [sockets.at(-2), sockets.at(-1)] as [SslSocket, SslSocket];
    const queueOf = (socket: SslSocket): unknown => (socket as unknown as { waitingSends?: unknown }).waitingSends;
    // The field exists (so a rename cannot make this pass unnoticed) and is empty.
    expect(Object.hasOwn(client, 'waitingSends')).toBe(true);
    await client.send('ping');
    await server.send('pong');
    for (const socket of sockets) expect(queueOf(socket)).toBeUndefined();
  });
});
