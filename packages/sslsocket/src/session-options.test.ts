import { generateCaChain } from '@sslsocket/pkix';
import { memoryPair } from '@sslsocket/transport';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type ClientOptions,
  connect,
  handshake,
  MemorySessionStore,
  type ServerOptions,
  ServerSessionCache,
  type SessionStore,
  type TicketKeySet,
} from './index.js';
import { OptionError } from './validate-options.js';

let ca: Awaited<ReturnType<typeof generateCaChain>>;

beforeAll(async () => {
  ca = await generateCaChain({ altNames: ['server.test'] });
});

/**
 * One connection to a server built from `server` alone (its own engine configuration, as another
 * process would build it): what the client saw and the session it got.
 */
async function once(server: ServerOptions, client: ClientOptions = {}) {
  const [clientEnd, serverEnd] = memoryPair({ chunkSize: 1000 });
  const s = handshake(serverEnd, { cert: ca.leaf.certificatePem, key: ca.leaf.keyPem, ...server });
  s.catch(() => undefined);
  const c = await connect(clientEnd, {
    host: 'server.test',
    cacerts: [ca.ca.certificatePem],
    reuseSessions: false,
    ...client,
  });
  const sessions: unknown[] = [];
  c.on('session', (session) => sessions.push(session));
  const peer = await s;
  await peer.send('x');
  await c.recv(1);
  for (let i = 0; i < 50 && sessions.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  const resumed = c.connectionInformation().sessionResumption;
  await c.close({ timeoutMs: 200 });
  await peer.close({ timeoutMs: 200 }).catch(() => undefined);
  return { resumed, session: sessions[0] };
}

/** A store behind Promises, as a network store answers. */
function asyncStore(): SessionStore & { inner: MemorySessionStore } {
  const inner = new MemorySessionStore();
  return {
    inner,
    get: async (id) => inner.get(id),
    set: async (id, value, ttl) => inner.set(id, value, ttl),
    delete: async (id) => inner.delete(id),
  };
}

describe('resumption across servers that share a store or ticket keys', () => {
  it.each([
    ['tlsv1.3', 'stateful'],
    ['tlsv1.2', 'disabled'],
  ] as const)(
    '%s: a session made by one server resumes on another sharing its sessionStore (tickets %s)',
    async (version, sessionTickets) => {
      const store = asyncStore();
      const server: ServerOptions = { sessionStore: store, sessionTickets, sessionLifetime: 300, ticketLifetime: 300 };
      const client: ClientOptions = { versions: [version] };
      const first = await once(server, client);
      expect(first.resumed).toBe(false);
      expect(store.inner.size).toBe(1);
      const second = await once({ ...server }, { ...client, reuseSession: first.session });
      expect(second.resumed).toBe(true);
      const alone = await once({ sessionTickets }, { ...client, reuseSession: second.session ?? first.session });
      expect(alone.resumed).toBe(false);
    },
  );

  it.each([['tlsv1.3'], ['tlsv1.2']] as const)(
    '%s: servers sharing a ticketKeys provider resume each other, through a rotation',
    async (version) => {
      let keys: TicketKeySet = { current: new Uint8Array(32).fill(1) };
      const server: ServerOptions = { ticketKeys: async () => keys, reuseSessions: false };
      const client: ClientOptions = { versions: [version] };
      const first = await once(server, client);
      keys = { current: new Uint8Array(32).fill(2), accepted: [new Uint8Array(32).fill(1)] };
      const second = await once({ ...server }, { ...client, reuseSession: first.session });
      expect(second.resumed).toBe(true);
      keys = { current: new Uint8Array(32).fill(2) };
      expect((await once(server, { ...client, reuseSession: first.session })).resumed).toBe(false);
      expect((await once(server, { ...client, reuseSession: second.session })).resumed).toBe(true);
    },
  );

  it('refuses a store without get/set/delete, and sessionStore with sessionCache', async () => {
    const [, serverEnd] = memoryPair();
    const base = { cert: ca.leaf.certificatePem, key: ca.leaf.keyPem };
    await expect(handshake(serverEnd, { ...base, sessionStore: { get: () => undefined } as never })).rejects.toThrow(
      OptionError,
    );
    const badTake = { get: () => undefined, set: () => undefined, delete: () => undefined, take: 'GETDEL' };
    await expect(handshake(serverEnd, { ...base, sessionStore: badTake as never })).rejects.toThrow(/take optional/);
    await expect(handshake(serverEnd, { ...base, ticketKeys: 'secret' as never })).rejects.toThrow(/keys/);
    const both = { ...base, sessionStore: new MemorySessionStore(), sessionCache: new ServerSessionCache() };
    await expect(handshake(serverEnd, both)).rejects.toThrow(/exclusive/);
  });
});
