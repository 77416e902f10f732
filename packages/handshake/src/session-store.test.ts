import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './bytes.js';
import type { ConnectionConfig, Session13 } from './config.js';
import { ClientConnection, ServerConnection } from './connection.js';
import type { ConnectionEvent } from './events.js';
import {
  decodeStoredSession12,
  decodeStoredTicket13,
  encodeStoredSession12,
  encodeStoredTicket13,
} from './session-codec.js';
import { MemorySessionStore, type SessionStore } from './session-store.js';
import { statefulTickets } from './stateful-tickets.js';
import { errorOf, params, sessionOf } from './test/events.js';
import { baseClient, baseServer, connect, pumpAsync } from './test/pair.js';
import type { TicketKeySet } from './ticket-keys.js';
import type { ServerSession12 } from './tls12/session.js';

const TLS12: Partial<ConnectionConfig> = { versions: ['tlsv1.2'], sessionTickets12: false };

/** A store whose every answer is a Promise (a network store), recording the calls. */
class AsyncStore implements SessionStore {
  readonly inner = new MemorySessionStore();
  readonly calls: string[] = [];
  readonly ttls: number[] = [];
  async get(id: Uint8Array): Promise<Uint8Array | undefined> {
    this.calls.push('get');
    return this.inner.get(id);
  }
  async set(id: Uint8Array, value: Uint8Array, ttlSeconds: number): Promise<void> {
    this.calls.push('set');
    this.ttls.push(ttlSeconds);
    this.inner.set(id, value, ttlSeconds);
  }
  async delete(id: Uint8Array): Promise<void> {
    this.calls.push('delete');
    this.inner.delete(id);
  }
}

/** An {@link AsyncStore} with an atomic take that answers after a macrotask (a slow network store). */
class TakingStore extends AsyncStore {
  take(id: Uint8Array): Promise<Uint8Array | undefined> {
    this.calls.push('take');
    const value = this.inner.take(id);
    return new Promise((resolve) => setTimeout(() => resolve(value), 5));
  }
}

async function connectAsync(clientExtra: Partial<ConnectionConfig>, serverExtra: Partial<ConnectionConfig>) {
  const client = new ClientConnection(baseClient(clientExtra));
  const server = new ServerConnection(baseServer(serverExtra));
  await client.start();
  await pumpAsync(client, server);
  return { ce: client.takeEvents(), se: server.takeEvents() };
}

function ticketOf(events: ConnectionEvent[]): Session13 {
  const e = events.find((x) => x.type === 'newSessionTicket');
  if (e?.type !== 'newSessionTicket' || e.session.version === 'tlsv1.2') throw new Error('no TLS 1.3 ticket');
  return e.session;
}

describe('MemorySessionStore', () => {
  it('expires entries after their TTL and evicts the oldest past maxEntries', () => {
    let now = 1_000_000;
    const store = new MemorySessionStore({ maxEntries: 2, now: () => now });
    const id = (n: number) => Uint8Array.of(n);
    store.set(id(1), Uint8Array.of(10), 5);
    store.set(id(2), Uint8Array.of(20), 60);
    now += 4999;
    expect(store.get(id(1))).toEqual(Uint8Array.of(10));
    now += 1;
    expect(store.get(id(1))).toBeUndefined();
    store.set(id(3), Uint8Array.of(30), 60);
    store.set(id(4), Uint8Array.of(40), 60);
    expect(store.get(id(2))).toBeUndefined();
    expect(store.get(id(3))).toEqual(Uint8Array.of(30));
    store.delete(id(3));
    expect(store.get(id(3))).toBeUndefined();
    const none = new MemorySessionStore({ maxEntries: 0 });
    none.set(id(1), Uint8Array.of(1), 60);
    expect(none.get(id(1))).toBeUndefined();
  });

  it('take answers the value once and removes it; an expired or absent id is undefined', () => {
    let now = 0;
    const store = new MemorySessionStore({ now: () => now });
    const id = Uint8Array.of(7, 7);
    store.set(id, Uint8Array.of(1, 2, 3), 10);
    expect(store.take(id)).toEqual(Uint8Array.of(1, 2, 3));
    expect(store.size).toBe(0);
    expect(store.take(id)).toBeUndefined();
    expect(store.get(id)).toBeUndefined();
    store.set(id, Uint8Array.of(4), 10);
    now += 10_000;
    expect(store.take(id)).toBeUndefined();
    expect(store.take(Uint8Array.of(9))).toBeUndefined();
  });
});

describe('stored session encoding', () => {
  const session: ServerSession12 = {
    cipherSuite: 0xc02f,
    masterSecret: new Uint8Array(48).fill(7),
    extendedMasterSecret: true,
    createdAt: 1_700_000_000_123,
    serverName: 'a.test',
    alpn: 'h2',
    peerCertificates: [Uint8Array.of(0x30, 0x00)],
  };

  it('is pinned byte for byte (version 1, kind 0x12), so every process and release reads it', () => {
    const bytes = encodeStoredSession12(session);
    const hex = (text: string) => toHex(new TextEncoder().encode(text));
    const created = (1_700_000_000_123).toString(16).padStart(16, '0');
    expect(toHex(bytes)).toBe(
      `0112c02f30${'07'.repeat(48)}01${created}06${hex('a.test')}02${hex('h2')}0000050000023000`,
    );
    expect(decodeStoredSession12(bytes)).toEqual(session);
  });

  it('decodes another version, another kind or a truncated value to undefined', () => {
    const bytes = encodeStoredSession12(session);
    expect(decodeStoredSession12(Uint8Array.of(2, ...bytes.subarray(1)))).toBeUndefined();
    expect(decodeStoredTicket13(bytes)).toBeUndefined();
    expect(decodeStoredSession12(bytes.subarray(0, bytes.length - 1))).toBeUndefined();
    expect(decodeStoredSession12(fromHex('01'))).toBeUndefined();
    const state = {
      cipherSuite: 0x1301,
      psk: new Uint8Array(32).fill(1),
      ticketAgeAdd: 0xdeadbeef,
      lifetime: 7200,
      issuedAt: 1_700_000_000_000,
      alpn: '',
      maxEarlyDataSize: 0,
    };
    const stored = encodeStoredTicket13(state);
    expect(toHex(stored.subarray(0, 4))).toBe('01131301');
    expect(decodeStoredTicket13(stored)).toEqual(state);
    expect(decodeStoredSession12(stored)).toBeUndefined();
  });
});

describe('TLS 1.2 session ids in a SessionStore', () => {
  it('a synchronous store keeps the handshake synchronous (no settle) and resumes', () => {
    const store = new MemorySessionStore();
    const first = connect(TLS12, { sessionStore: store });
    const session = sessionOf(first.client.takeEvents());
    expect(store.size).toBe(1);
    const again = connect({ ...TLS12, session }, { sessionStore: store });
    expect(params(again.client.takeEvents())?.resumed).toBe(true);
    const elsewhere = connect({ ...TLS12, session }, { sessionStore: new MemorySessionStore() });
    expect(params(elsewhere.client.takeEvents())?.resumed).toBe(false);
  });

  it('an asynchronous store: the handshake waits, stores for sessionLifetime and resumes', async () => {
    const store = new AsyncStore();
    const first = await connectAsync(TLS12, { sessionStore: store, sessionLifetime: 90 });
    expect(errorOf(first.se)).toBeUndefined();
    expect(store.ttls).toEqual([90]);
    const again = await connectAsync({ ...TLS12, session: sessionOf(first.ce) }, { sessionStore: store });
    expect(params(again.ce)?.resumed).toBe(true);
    expect(params(again.se)?.resumed).toBe(true);
    expect(store.calls).toEqual(['set', 'get']);
  });

  it('a session older than sessionLifetime is not resumed even if the store still has it', () => {
    let now = 5_000_000;
    const clock = { now: () => now };
    const store = new MemorySessionStore({ now: () => 0 });
    const first = connect({ ...TLS12, clock }, { sessionStore: store, sessionLifetime: 10, clock });
    const session = sessionOf(first.client.takeEvents());
    now += 10_001;
    const again = connect({ ...TLS12, session, clock }, { sessionStore: store, sessionLifetime: 10, clock });
    expect(params(again.client.takeEvents())?.resumed).toBe(false);
  });

  it('a store whose get fails means a full handshake, its error reported as a sessionStoreError', async () => {
    const broken: SessionStore = {
      get: () => Promise.reject(new RangeError('connection refused')),
      set: () => undefined,
      delete: () => undefined,
    };
    const store = new MemorySessionStore();
    const first = connect(TLS12, { sessionStore: store });
    const session = sessionOf(first.client.takeEvents());
    const server = new ServerConnection(baseServer({ sessionStore: broken }));
    const client = new ClientConnection(baseClient({ ...TLS12, session }));
    await client.start();
    await pumpAsync(client, server);
    const se = server.takeEvents();
    const failure = se.find((e) => e.type === 'sessionStoreError');
    expect(failure?.type === 'sessionStoreError' && failure.error.operation).toBe('lookup');
    expect(failure?.type === 'sessionStoreError' && failure.error.message).toMatch(
      /session store get failed: connection refused/,
    );
    expect(failure?.type === 'sessionStoreError' && failure.error.cause).toBeInstanceOf(RangeError);
    expect(errorOf(se)).toBeUndefined();
    const ce = client.takeEvents();
    expect(errorOf(ce)).toBeUndefined();
    expect(params(ce)?.resumed).toBe(false);
  });
});

describe('TLS 1.3 stateful tickets in a SessionStore', () => {
  it('issues 32-byte ids, keeps the state for ticketLifetime, resumes once (single-use)', async () => {
    const store = new AsyncStore();
    const server = {
      ticketStore: statefulTickets(store, (n) => crypto.getRandomValues(new Uint8Array(n))),
      ticketLifetime: 600,
    };
    const first = await connectAsync({}, server);
    const ticket = ticketOf(first.ce);
    expect(ticket.ticket.length).toBe(32);
    expect(store.ttls).toEqual([600]);
    expect(store.inner.get(ticket.ticket)).toBeDefined();
    const again = await connectAsync({ session: ticket }, server);
    expect(params(again.ce)?.resumed).toBe(true);
    expect(store.inner.get(ticket.ticket)).toBeUndefined();
    const replay = await connectAsync({ session: ticket }, server);
    expect(params(replay.ce)?.resumed).toBe(false);
    expect(errorOf(replay.ce)).toBeUndefined();
    // No take on this store: the engine falls back to get then delete (each handshake also sets
    // the new tickets it issues).
    expect(store.calls.filter((call) => call !== 'set')).toEqual(['get', 'delete', 'get']);
  });

  it('a store with take: a ticket redeemed by two handshakes at once resumes only once', async () => {
    const store = new TakingStore();
    const server = { ticketStore: statefulTickets(store, (n) => crypto.getRandomValues(new Uint8Array(n))) };
    const ticket = ticketOf((await connectAsync({}, server)).ce);
    // Both ClientHellos reach the store before either answer comes back (the store answers after
    // a macrotask), as two servers of a fleet redeeming one ticket at the same moment would.
    const [a, b] = await Promise.all([
      connectAsync({ session: ticket }, server),
      connectAsync({ session: ticket }, server),
    ]);
    expect(store.calls.filter((call) => call !== 'set')).toEqual(['take', 'take']);
    expect([params(a.ce)?.resumed, params(b.ce)?.resumed].sort()).toEqual([false, true]);
    expect(errorOf(a.ce)).toBeUndefined();
    expect(errorOf(b.ce)).toBeUndefined();
  });
});

describe('ticketKeys as a provider', () => {
  const A = new Uint8Array(32).fill(0xa);
  const B = new Uint8Array(32).fill(0xb);

  for (const version of ['tlsv1.3', 'tlsv1.2'] as const) {
    it(`${version}: rotation: a ticket sealed under the old key resumes while it is accepted, not after`, async () => {
      let keys: TicketKeySet = { current: A };
      const server = { ticketKeys: async () => keys };
      const client: Partial<ConnectionConfig> = { versions: [version] };
      const take = (events: ConnectionEvent[]) => (version === 'tlsv1.3' ? ticketOf(events) : sessionOf(events));
      const first = await connectAsync(client, server);
      const oldTicket = take(first.ce);
      keys = { current: B, accepted: [A] };
      const during = await connectAsync({ ...client, session: oldTicket }, server);
      expect(params(during.ce)?.resumed).toBe(true);
      const newTicket = take(during.ce);
      keys = { current: B };
      const after = await connectAsync({ ...client, session: oldTicket }, server);
      expect(params(after.ce)?.resumed).toBe(false);
      const fresh = await connectAsync({ ...client, session: newTicket }, server);
      expect(params(fresh.ce)?.resumed).toBe(true);
    });
  }

  it("a key longer than 32 bytes (node's 48-byte ticketKeys) seals and opens (hashed to an AES-256 key)", () => {
    const long = new Uint8Array(48).fill(0x48);
    const first = connect({}, { ticketKeys: [long] });
    const again = connect({ session: ticketOf(first.client.takeEvents()) }, { ticketKeys: [long] });
    const events = again.client.takeEvents();
    expect(params(events)?.resumed).toBe(true);
    const other = connect({ session: ticketOf(events) }, { ticketKeys: [long.slice(0, 32)] });
    expect(params(other.client.takeEvents())?.resumed).toBe(false);
  });

  it('a synchronous provider keeps the handshake synchronous; a throwing or bad one issues no ticket', () => {
    const first = connect({}, { ticketKeys: () => ({ current: A }) });
    expect(params(first.client.takeEvents())?.resumed).toBe(false);
    expect(first.server.takeEvents().some((e) => e.type === 'handshakeComplete')).toBe(true);
    const bad = connect({}, { ticketKeys: () => ({ current: new Uint8Array(8) }) });
    const badEvents = bad.server.takeEvents();
    expect(errorOf(badEvents)).toBeUndefined();
    expect(badEvents.some((e) => e.type === 'sessionStoreError' && e.error.operation === 'issueTicket')).toBe(true);
    expect(bad.client.takeEvents().some((e) => e.type === 'newSessionTicket')).toBe(false);
    const throwing = connect(
      {},
      {
        ticketKeys: () => {
          throw new RangeError('key service down');
        },
      },
    );
    const thrown = throwing.server.takeEvents();
    expect(errorOf(thrown)).toBeUndefined();
    expect(thrown.some((e) => e.type === 'sessionStoreError' && e.error.cause instanceof RangeError)).toBe(true);
  });
});
