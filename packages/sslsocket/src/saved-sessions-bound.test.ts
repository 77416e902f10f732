/**
 * `maxSavedSessions`: a client keeps only the newest sessions a server sends on one connection
 * (RFC 8446 §4.6.1 puts no limit on NewSessionTickets), in `savedSessions` and in the `session`
 * events waiting for a listener.
 */
import { ServerConnection } from '@sslsocket/handshake';
import { generateCaChain } from '@sslsocket/pkix';
import { memoryPair, type Transport } from '@sslsocket/transport';
import { beforeAll, describe, expect, it } from 'vitest';
import { serverEngineConfig } from './engine-config.js';
import { type ClientOptions, connect } from './index.js';
import { OptionError } from './validate-options.js';

let ca: Awaited<ReturnType<typeof generateCaChain>>;

beforeAll(async () => {
  ca = await generateCaChain({ altNames: ['server.test'] });
});

/** An engine server sending `tickets` NewSessionTickets after its handshake, driven over `end`. */
async function ticketServer(end: Transport, tickets: number): Promise<void> {
  const config = await serverEngineConfig({ cert: ca.leaf.certificatePem, key: ca.leaf.keyPem });
  const server = new ServerConnection({ ...config, ticketCount: tickets });
  for (let chunk = await end.read(); chunk !== null; chunk = await end.read()) {
    await server.receive(chunk);
    await server.settle();
    const out = server.takeOutput();
    if (out !== null) end.write(out);
  }
}

async function client(tickets: number, options: ClientOptions) {
  const [clientEnd, serverEnd] = memoryPair();
  const served = ticketServer(serverEnd, tickets).catch(() => undefined);
  const socket = await connect(clientEnd, {
    host: 'server.test',
    cacerts: [ca.ca.certificatePem],
    reuseSessions: false,
    ...options,
  });
  // The tickets follow the handshake; wait until all arrived.
  const expected = Math.min(tickets, options.maxSavedSessions ?? 8);
  for (let i = 0; i < 200 && socket.savedSessions.length < expected; i++) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 50));
  return { socket, served };
}

describe('maxSavedSessions', () => {
  it('keeps the newest 8 by default, in savedSessions and in session events no listener took yet', async () => {
    const { socket, served } = await client(20, {});
    expect(socket.savedSessions.length).toBe(8);
    const events: unknown[] = [];
    socket.on('session', (s) => events.push(s));
    await new Promise((r) => setTimeout(r, 10));
    expect(events.length).toBe(8);
    // The newest ones: the same objects savedSessions holds, in the order they arrived.
    expect(events).toEqual([...socket.savedSessions]);
    const received = socket.savedSessions.map((s) => s.receivedAt);
    expect([...received].sort((a, b) => a - b)).toEqual(received);
    await socket.close({ timeoutMs: 200 });
    await served;
  });

  it('maxSavedSessions: 1 keeps only the latest (as node does)', async () => {
    const { socket, served } = await client(5, { maxSavedSessions: 1 });
    expect(socket.savedSessions.length).toBe(1);
    const events: unknown[] = [];
    socket.on('session', (s) => events.push(s));
    await new Promise((r) => setTimeout(r, 10));
    expect(events).toEqual([...socket.savedSessions]);
    await socket.close({ timeoutMs: 200 });
    await served;
  });

  it('fewer tickets than the bound are all kept', async () => {
    const { socket, served } = await client(3, {});
    expect(socket.savedSessions.length).toBe(3);
    await socket.close({ timeoutMs: 200 });
    await served;
  });

  it('must be a whole number of at least 1', async () => {
    const [clientEnd] = memoryPair();
    await expect(connect(clientEnd, { maxSavedSessions: 0 })).rejects.toThrow(OptionError);
  });
});
