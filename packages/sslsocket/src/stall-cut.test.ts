// #21 stalled handshakes: connections that send their first bytes (a record header, or a whole
// ClientHello) and then go quiet hold handshake slots. When every slot is taken and a good client
// needs one, the handshake stalled on its peer longest is cut (user_canceled + close_notify, as a
// handshake timeout) and the good client completes while the other stalled ones stay open.
import * as net from 'node:net';
import { generateCaChain } from '@sslsocket/pkix';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, handshake, listen, type ServerOptions, type SslListenSocket, TimeoutError } from './index.js';

const opened: net.Socket[] = [];
const listeners: SslListenSocket[] = [];
afterEach(async () => {
  for (const socket of opened.splice(0)) socket.destroy();
  for (const listener of listeners.splice(0)) await listener.close();
});

/** A raw TCP peer that sends `first` and then nothing: what it received and whether it ended. */
interface Stalled {
  readonly received: Buffer[];
  ended: boolean;
}

async function stalledPeer(port: number, first: Buffer): Promise<Stalled> {
  const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  opened.push(socket);
  const peer: Stalled = { received: [], ended: false };
  socket.on('data', (chunk: Buffer) => peer.received.push(chunk));
  socket.on('end', () => {
    peer.ended = true;
  });
  socket.on('error', () => {
    peer.ended = true;
  });
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(first);
  return peer;
}

/** A real ClientHello record: what our own client sends first, caught by a plain TCP server. */
async function realClientHello(ca: string): Promise<Buffer> {
  const sink = net.createServer();
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  const first = new Promise<Buffer>((resolve) =>
    sink.once('connection', (s) =>
      s.once('data', (chunk: Buffer) => {
        resolve(chunk);
        s.destroy();
      }),
    ),
  );
  const { port } = sink.address() as net.AddressInfo;
  const client = connect('127.0.0.1', port, { ...clientOptions(ca), handshakeTimeoutMs: 2_000 }).catch(() => undefined);
  const hello = await first;
  await client;
  await new Promise((resolve) => sink.close(resolve));
  return hello;
}

const clientOptions = (ca: string) => ({
  cacerts: [ca],
  serverNameIndication: 'localhost',
  reuseSessions: false,
  handshakeTimeoutMs: 20_000,
});

/** The records in `bytes`: [content type, fragment]. */
function records(bytes: Buffer): [number, Buffer][] {
  const out: [number, Buffer][] = [];
  for (let i = 0; i + 5 <= bytes.length; ) {
    const length = bytes.readUInt16BE(i + 3);
    out.push([bytes[i] as number, bytes.subarray(i + 5, i + 5 + length)]);
    i += 5 + length;
  }
  return out;
}

/**
 * The server's last two records are user_canceled then close_notify: in plaintext before any keys
 * (alert records 1/90 and 1/0), or under the TLS 1.3 handshake keys as two application_data records
 * of 19 bytes (2 alert bytes + the inner content type + a 16-byte AEAD tag, RFC 8446 §5.2).
 */
function endedWithCancel(bytes: Buffer): boolean {
  const last = records(bytes).slice(-2);
  if (last.length < 2) return false;
  const plain = last.every(([type]) => type === 21);
  if (plain) return last[0]?.[1][1] === 90 && last[1]?.[1][1] === 0;
  return last.every(([type, fragment]) => type === 23 && fragment.length === 19);
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

type Leaf = { certificatePem: string; keyPem: string };

async function setup(options: Partial<ServerOptions> | ((leaf: Leaf) => Partial<ServerOptions>)) {
  const { ca, leaf } = await generateCaChain();
  const listener = await listen(0, {
    host: '127.0.0.1',
    cert: leaf.certificatePem,
    key: leaf.keyPem,
    handshakeTimeoutMs: 20_000,
    minHandshakeStallMs: 200,
    ...(typeof options === 'function' ? options(leaf) : options),
  });
  listeners.push(listener);
  return { listener, ca: ca.certificatePem, hello: await realClientHello(ca.certificatePem) };
}

describe('stalled handshakes are cut to make room (#21)', () => {
  it('serve(): with every slot held by stalled handshakes, a good client completes; the longest stalled is cut', async () => {
    const { listener, ca, hello } = await setup({});
    const errors: Error[] = [];
    const serving = listener.serve((socket) => socket.close({ timeoutMs: 500 }), {
      maxConcurrentHandshakes: 2,
      onError: (error) => errors.push(error),
    });
    // Oldest: a whole ClientHello (the server answers, then waits for the client's second flight);
    // then a record header only. Both hold a slot, both wait on their peer.
    const whole = await stalledPeer(listener.address.port, hello);
    await until(() => whole.received.length > 0);
    const header = await stalledPeer(listener.address.port, hello.subarray(0, 5));
    await until(() => serving.handshaking === 2);
    const client = await connect('127.0.0.1', listener.address.port, clientOptions(ca));
    expect(client.connectionInformation().protocol).toMatch(/tlsv1\.[23]/);
    await client.close({ timeoutMs: 500 }).catch(() => undefined);
    // The longest stalled (the whole ClientHello, oldest bytes) was cut with user_canceled; the
    // header-only one still holds its slot, open and unanswered.
    await until(() => whole.ended);
    expect(endedWithCancel(Buffer.concat(whole.received))).toBe(true);
    expect(header.ended).toBe(false);
    expect(header.received).toHaveLength(0);
    expect(listener.queue.stalled).toBe(1);
    expect(
      errors.filter((error) => error instanceof TimeoutError && /cut to make room/.test(error.message)),
    ).toHaveLength(1);
  });

  it('serve(): a handshake waiting on our own async work (a slow sniFun) is never cut, however long it takes', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let calls = 0;
    const { listener, ca } = await setup((leaf) => ({
      sniFun: async () => {
        if (calls++ === 0) await gate;
        return { cert: leaf.certificatePem, key: leaf.keyPem };
      },
    }));
    const serving = listener.serve((socket) => socket.close({ timeoutMs: 500 }), { maxConcurrentHandshakes: 1 });
    const first = connect('127.0.0.1', listener.address.port, clientOptions(ca));
    await until(() => calls === 1);
    const second = connect('127.0.0.1', listener.address.port, clientOptions(ca));
    // The second waits in line while the first waits on sniFun: several of serve()'s rechecks go by
    // (each 250 ms) past minHandshakeStallMs (200 ms), and the first must not be cut.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(listener.queue.stalled).toBe(0);
    expect(serving.handshaking).toBe(1);
    release();
    for (const socket of await Promise.all([first, second]))
      await socket.close({ timeoutMs: 500 }).catch(() => undefined);
    expect(calls).toBe(2);
    expect(listener.queue.stalled).toBe(0);
  });

  it('transportAccept() + handshake() (node-compat, s_server): a full listener cuts a stalled handshake instead of refusing', async () => {
    const { listener, ca, hello } = await setup({ maxConcurrentHandshakes: 2 });
    const outcomes: string[] = [];
    const loop = (async () => {
      for (;;) {
        const transport = await listener.transportAccept().catch(() => undefined);
        if (transport === undefined) return;
        handshake(transport).then(
          (socket) => {
            outcomes.push('ok');
            void socket.close({ timeoutMs: 500 }).catch(() => undefined);
          },
          (error: Error) => outcomes.push(error.name),
        );
      }
    })();
    const header = await stalledPeer(listener.address.port, hello.subarray(0, 5));
    const whole = await stalledPeer(listener.address.port, hello);
    await until(() => whole.received.length > 0);
    // Both stalled past minHandshakeStallMs (200 ms) before the good client arrives.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const client = await connect('127.0.0.1', listener.address.port, clientOptions(ca));
    await client.close({ timeoutMs: 500 }).catch(() => undefined);
    // Here the header-only connection is the longest stalled: it goes, the other stays.
    await until(() => header.ended);
    expect(endedWithCancel(Buffer.concat(header.received))).toBe(true);
    expect(whole.ended).toBe(false);
    expect(listener.queue.stalled).toBe(1);
    await until(() => outcomes.includes('ok'));
    expect(outcomes).toEqual(expect.arrayContaining(['TimeoutError', 'ok']));
    await listener.close();
    await loop;
  });
});
