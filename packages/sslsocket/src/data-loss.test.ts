import { generateCaChain } from '@sslsocket/pkix';
import { memoryPair, type Transport } from '@sslsocket/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ActiveMode,
  connect,
  handshake,
  listen,
  SocketStateError,
  type SslListenSocket,
  type SslSocket,
} from './index.js';

// Issue #22, "data that must never be lost": events wait in the socket's mailbox until the
// application can take them; a cut without close_notify is told apart from a clean close; a
// downgraded transport is wholly the caller's.

let ca: Awaited<ReturnType<typeof generateCaChain>>;
const ROUNDS = Number(process.env.H22_N ?? 1000);
const MODES: readonly ActiveMode[] = [true, 'once', 3];
const listeners = new Map<string, SslListenSocket>();

beforeAll(async () => {
  ca = await generateCaChain({ altNames: ['server.test'] });
  for (const mode of MODES) {
    listeners.set(
      String(mode),
      await listen(0, { host: '127.0.0.1', cert: ca.leaf.certificatePem, key: ca.leaf.keyPem, active: mode }),
    );
  }
  listeners.set('passive', await listen(0, { host: '127.0.0.1', cert: ca.leaf.certificatePem, key: ca.leaf.keyPem }));
});

afterAll(async () => {
  for (const listener of listeners.values()) await listener.close();
});

const serverOptions = () => ({ cert: ca.leaf.certificatePem, key: ca.leaf.keyPem });
// Certificate checks are not what these tests are about: verify_none halves a loop's handshake cost.
const clientOptions = (active: ActiveMode = false) => ({
  verify: 'verify_none' as const,
  serverNameIndication: 'server.test',
  reuseSessions: false as const,
  active,
});

/** The first `data` event's bytes, or null when none comes within a second. */
function firstData(socket: SslSocket): Promise<Uint8Array | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), 1000);
    socket.on('data', (data) => {
      clearTimeout(timer);
      resolve(data);
    });
  });
}

/** One connection: the passive side writes in the same tick the handshake resolves; the active side must see it. */
async function round(transport: 'tcp' | 'memory', mode: ActiveMode, activeSide: 'server' | 'client'): Promise<boolean> {
  const payload = new Uint8Array([1, 2, 3]);
  let clientSocket: Promise<SslSocket>;
  let serverSocket: Promise<SslSocket>;
  if (transport === 'memory') {
    const [clientEnd, serverEnd] = memoryPair();
    serverSocket = handshake(serverEnd, { ...serverOptions(), active: activeSide === 'server' ? mode : false });
    clientSocket = connect(clientEnd, {
      ...clientOptions(activeSide === 'client' ? mode : false),
      host: 'server.test',
    });
  } else {
    const listener = listeners.get(activeSide === 'server' ? String(mode) : 'passive') as SslListenSocket;
    serverSocket = listener.transportAccept().then((t) => handshake(t));
    clientSocket = connect('127.0.0.1', listener.address.port, clientOptions(activeSide === 'client' ? mode : false));
  }
  const [active, passive] = activeSide === 'server' ? [serverSocket, clientSocket] : [clientSocket, serverSocket];
  // The passive side sends as soon as its own handshake promise resolves, in the same tick.
  const sent = passive.then((socket) => {
    void socket.send(payload).catch(() => undefined);
    return socket;
  });
  const receiver = await active;
  const got = await firstData(receiver);
  const sender = await sent;
  await Promise.all([
    receiver.close({ timeoutMs: 200 }).catch(() => undefined),
    sender.close({ timeoutMs: 200 }).catch(() => undefined),
  ]);
  return got !== null && got.length === 3 && got[2] === 3;
}

describe('active mode keeps data that arrives with the handshake (issue #22)', () => {
  for (const transport of ['memory', 'tcp'] as const) {
    it(`1,000 connections over ${transport}: every first write arrives, in true, 'once' and N modes, either side`, async () => {
      let delivered = 0;
      const lost: string[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        const mode = MODES[i % 3] as ActiveMode;
        const side = i % 2 === 0 ? 'server' : 'client';
        if (await round(transport, mode, side)) delivered++;
        else lost.push(`#${i} ${String(mode)} ${side}`);
      }
      expect(lost).toEqual([]);
      expect(delivered).toBe(ROUNDS);
    }, 600_000);
  }
});

/** A connected pair over the memory transport. */
async function pair(server: object = {}, client: object = {}): Promise<[SslSocket, SslSocket]> {
  const [clientEnd, serverEnd] = memoryPair();
  const accepted = handshake(serverEnd, { ...serverOptions(), ...server });
  accepted.catch(() => undefined);
  const connected = await connect(clientEnd, { ...clientOptions(), host: 'server.test', ...client });
  return [connected, await accepted];
}

const tick = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

describe('session events wait for a listener (issue #22)', () => {
  it('a ticket that arrives before the application listens is delivered when it does', async () => {
    const [client, server] = await pair();
    await server.send('x');
    expect(new TextDecoder().decode(await client.recv(1))).toBe('x');
    // The tickets arrived long ago; nobody listened.
    await tick(50);
    const sessions: unknown[] = [];
    client.on('session', (session) => sessions.push(session));
    await tick();
    expect(sessions.length).toBeGreaterThan(0);
    expect((sessions[0] as { ticket: Uint8Array }).ticket.length).toBeGreaterThan(0);
    await client.close({ timeoutMs: 200 });
  });
});

describe('truncation is told apart from close_notify (issue #22, RFC 8446 §6.1)', () => {
  /** Server sends `line` then ends cleanly or by dropping the transport without close_notify. */
  async function ending(how: 'clean' | 'truncated', client: object = {}) {
    const [socket, server] = await pair({}, client);
    await server.send('partial response\n');
    await tick();
    if (how === 'clean') await server.close({ timeoutMs: 200 });
    // The end of the stream without close_notify (a FIN, not a reset).
    else await server.transport.close();
    return socket;
  }

  it('a clean close says close_notify everywhere; the iterator ends, recv() says closed', async () => {
    const socket = await ending('clean');
    let text = '';
    for await (const chunk of socket) text += new TextDecoder().decode(chunk);
    expect(text).toBe('partial response\n');
    await expect(socket.recv(0)).rejects.toMatchObject({ reason: 'closed' });
    expect(socket.connectionInformation().peerClose).toBe('close_notify');
    expect(socket.getstat().peerClose).toBe('close_notify');
  });

  it("by default (Erlang) a cut ends reads like a close, but says 'truncated'", async () => {
    const socket = await ending('truncated');
    let text = '';
    for await (const chunk of socket) text += new TextDecoder().decode(chunk);
    expect(text).toBe('partial response\n');
    await expect(socket.recv(0)).rejects.toMatchObject({ reason: 'closed' });
    expect(socket.connectionInformation().peerClose).toBe('truncated');
    expect(socket.getstat().peerClose).toBe('truncated');
  });

  it("unexpectedEof: 'error' fails the iterator and recv() with SocketStateError('truncated')", async () => {
    const socket = await ending('truncated', { unexpectedEof: 'error' });
    let text = '';
    const error = await (async () => {
      try {
        for await (const chunk of socket) text += new TextDecoder().decode(chunk);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(text).toBe('partial response\n');
    expect(error).toBeInstanceOf(SocketStateError);
    expect(error).toMatchObject({ reason: 'truncated' });
    await expect(socket.recv(0)).rejects.toMatchObject({ reason: 'truncated' });
    // A clean close is still a plain end with the option set.
    const clean = await ending('clean', { unexpectedEof: 'error' });
    for await (const _ of clean) void _;
    await expect(clean.recv(0)).rejects.toMatchObject({ reason: 'closed' });
  });

  it('the closed event carries how the peer ended, over TCP too', async () => {
    const listener = listeners.get('passive') as SslListenSocket;
    const ends: string[] = [];
    for (const how of ['clean', 'truncated'] as const) {
      const accepted = listener.transportAccept().then((t) => handshake(t));
      const socket = await connect('127.0.0.1', listener.address.port, clientOptions(true));
      const server = await accepted;
      const closed = new Promise<string>((resolve) => socket.on('closed', resolve));
      if (how === 'clean') await server.close({ timeoutMs: 200 });
      else server.transport.destroy();
      ends.push(await closed);
      await socket.close({ timeoutMs: 100 }).catch(() => undefined);
    }
    expect(ends).toEqual(['close_notify', 'truncated']);
  });
});

/** A transport that holds writes back while `hold` is set, then sends them as one chunk. */
class Coalescing {
  hold = false;
  private held: Uint8Array[] = [];
  constructor(readonly inner: Transport) {}
  wrap(): Transport {
    return new Proxy(this.inner, {
      get: (target, key) => {
        if (key === 'write') {
          return (data: Uint8Array) => {
            if (!this.hold) return target.write(data);
            this.held.push(data.slice());
            return true;
          };
        }
        const value = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }
  release(): void {
    this.hold = false;
    const total = this.held.reduce((n, c) => n + c.length, 0);
    const joined = new Uint8Array(total);
    let at = 0;
    for (const chunk of this.held) {
      joined.set(chunk, at);
      at += chunk.length;
    }
    this.held = [];
    this.inner.write(joined);
  }
}

describe('close({ downgrade: true }) hands the transport over (issue #22)', () => {
  it('the caller reads the plaintext after close_notify, even when it came in the same chunk', async () => {
    const [clientEnd, serverEnd] = memoryPair();
    const coalescing = new Coalescing(clientEnd);
    const accepted = handshake(serverEnd, serverOptions());
    const client = await connect(coalescing.wrap(), { ...clientOptions(), host: 'server.test' });
    const server = await accepted;
    // The server asks to go back to plain text; the client answers with close_notify and, in the
    // same chunk, the first plaintext bytes.
    const serverPlain = server.close({ downgrade: true, timeoutMs: 2000 });
    await expect(client.recv(0)).rejects.toMatchObject({ reason: 'closed' });
    coalescing.hold = true;
    const clientPlain = client.close({ downgrade: true, timeoutMs: 2000 });
    const clientTransport = (await clientPlain) as Transport;
    clientTransport.write(new TextEncoder().encode('PLAIN1'));
    coalescing.release();
    const serverTransport = (await serverPlain) as Transport;
    expect(new TextDecoder().decode((await serverTransport.read()) ?? new Uint8Array(0))).toBe('PLAIN1');
    // Both directions stay usable, and the socket's own read loop is gone.
    serverTransport.write(new TextEncoder().encode('PLAIN2'));
    expect(new TextDecoder().decode((await clientTransport.read()) ?? new Uint8Array(0))).toBe('PLAIN2');
    clientTransport.write(new TextEncoder().encode('PLAIN3'));
    expect(new TextDecoder().decode((await serverTransport.read()) ?? new Uint8Array(0))).toBe('PLAIN3');
    serverTransport.destroy();
    clientTransport.destroy();
  });

  it('over TCP the returned transport reads without EBUSY', async () => {
    const listener = listeners.get('passive') as SslListenSocket;
    const accepted = listener.transportAccept().then((t) => handshake(t));
    const client = await connect('127.0.0.1', listener.address.port, clientOptions());
    const server = await accepted;
    const serverPlain = server.close({ downgrade: true, timeoutMs: 2000 });
    const clientTransport = (await client.close({ downgrade: true, timeoutMs: 2000 })) as Transport;
    const serverTransport = (await serverPlain) as Transport;
    const reading = serverTransport.read();
    clientTransport.write(new TextEncoder().encode('after TLS'));
    expect(new TextDecoder().decode((await reading) ?? new Uint8Array(0))).toBe('after TLS');
    serverTransport.write(new TextEncoder().encode('reply'));
    expect(new TextDecoder().decode((await clientTransport.read()) ?? new Uint8Array(0))).toBe('reply');
    await clientTransport.close();
    expect(await serverTransport.read()).toBeNull();
    serverTransport.destroy();
  });
});
