/**
 * A session store or ticket key provider that fails (throws, rejects, returns an unusable key) skips
 * its step and never ends the connection: RFC 5246 §7.4.1.2 (the server may decline to cache),
 * RFC 8446 §4.6.1 (tickets are optional), RFC 5077 §3.3 (an empty ticket when none can be issued).
 */
import { describe, expect, it } from 'vitest';
import type { ConnectionConfig, Session13 } from './config.js';
import { ClientConnection, ServerConnection } from './connection.js';
import type { SessionStoreError } from './errors.js';
import type { ConnectionEvent } from './events.js';
import { MemorySessionStore, type SessionStore } from './session-store.js';
import { statefulTickets } from './stateful-tickets.js';
import { errorOf, params } from './test/events.js';
import { baseClient, baseServer, pumpAsync } from './test/pair.js';
import type { TicketKeySet } from './ticket-keys.js';

const TLS12: Partial<ConnectionConfig> = { versions: ['tlsv1.2'], sessionTickets12: false };
const random = (n: number) => crypto.getRandomValues(new Uint8Array(n));
const KEY = new Uint8Array(32).fill(7);

type Mode = 'throws' | 'rejects';
const MODES: readonly Mode[] = ['throws', 'rejects'];

/** A hook result that fails the way `mode` says. */
function fail(mode: Mode, what: string): never {
  if (mode === 'throws') throw new RangeError(`${what} down`);
  return Promise.reject(new RangeError(`${what} down`)) as never;
}

/** A MemorySessionStore whose methods named in `broken` fail (with a failing `take` only when named). */
function storeFailing(
  mode: Mode,
  ...broken: ('get' | 'set' | 'delete' | 'take')[]
): SessionStore & { inner: MemorySessionStore } {
  const inner = new MemorySessionStore();
  return {
    inner,
    get: (id) => (broken.includes('get') ? fail(mode, 'get') : inner.get(id)),
    set: (id, v, ttl) => (broken.includes('set') ? fail(mode, 'set') : inner.set(id, v, ttl)),
    delete: (id) => (broken.includes('delete') ? fail(mode, 'delete') : inner.delete(id)),
    ...(broken.includes('take') ? { take: () => fail(mode, 'take') } : {}),
  };
}

/** One handshake and one message each way; every event of both sides. */
async function run(clientExtra: Partial<ConnectionConfig>, serverExtra: Partial<ConnectionConfig>) {
  const client = new ClientConnection(baseClient(clientExtra));
  const server = new ServerConnection(baseServer(serverExtra));
  await client.start();
  await pumpAsync(client, server);
  client.write(Uint8Array.of(1, 2));
  server.write(Uint8Array.of(3));
  await pumpAsync(client, server);
  return { ce: client.takeEvents(), se: server.takeEvents() };
}

/** Asserts both sides completed and exchanged data without an error. */
function flowed(r: { ce: ConnectionEvent[]; se: ConnectionEvent[] }): void {
  for (const events of [r.ce, r.se]) {
    expect(errorOf(events)).toBeUndefined();
    expect(params(events)).toBeDefined();
  }
  const data = (events: ConnectionEvent[]) => events.flatMap((e) => (e.type === 'data' ? [...e.data] : []));
  expect(data(r.se)).toEqual([1, 2]);
  expect(data(r.ce)).toEqual([3]);
}

function storeErrors(events: ConnectionEvent[]): SessionStoreError[] {
  return events.flatMap((e) => (e.type === 'sessionStoreError' ? [e.error] : []));
}

function tickets(events: ConnectionEvent[]) {
  return events.flatMap((e) => (e.type === 'newSessionTicket' ? [e.session] : []));
}

describe.each(MODES)('a session store that %s', (mode) => {
  it('TLS 1.2 set: the handshake completes with its session id, uncached; resuming it is a full handshake', async () => {
    const store = storeFailing(mode, 'set');
    const first = await run(TLS12, { sessionStore: store });
    flowed(first);
    expect(storeErrors(first.se).map((e) => e.operation)).toEqual(['save']);
    expect(storeErrors(first.se)[0]?.cause).toBeInstanceOf(RangeError);
    expect(store.inner.size).toBe(0);
    const session = tickets(first.ce)[0];
    // RFC 5246 §7.4.1.3: the ServerHello carried the id before the store answered.
    expect(session?.version === 'tlsv1.2' && session.sessionId.length).toBe(32);
    const again = await run({ ...TLS12, session }, { sessionStore: store });
    flowed(again);
    expect(params(again.ce)?.resumed).toBe(false);
  });

  it('TLS 1.2 get: an offered session id means a full handshake', async () => {
    const good = new MemorySessionStore();
    const first = await run(TLS12, { sessionStore: good });
    const session = tickets(first.ce)[0];
    const store = storeFailing(mode, 'get');
    const again = await run({ ...TLS12, session }, { sessionStore: store });
    flowed(again);
    expect(params(again.ce)?.resumed).toBe(false);
    expect(storeErrors(again.se).map((e) => e.operation)).toEqual(['lookup']);
  });

  it('TLS 1.3 stateful set: no NewSessionTicket, the connection goes on', async () => {
    const store = storeFailing(mode, 'set');
    const r = await run({}, { ticketStore: statefulTickets(store, random) });
    flowed(r);
    expect(tickets(r.ce)).toEqual([]);
    expect(storeErrors(r.se).map((e) => e.operation)).toEqual(['issueTicket']);
    expect(storeErrors(r.se)[0]?.message).toMatch(/session store set failed: set down/);
  });

  it.each(['get', 'delete', 'take'] as const)('TLS 1.3 stateful %s at resumption: a full handshake', async (method) => {
    const store = storeFailing(mode);
    const first = await run({}, { ticketStore: statefulTickets(store.inner, random) });
    const session = tickets(first.ce)[0] as Session13;
    const broken = storeFailing(mode, method);
    broken.inner.set(session.ticket, store.inner.get(session.ticket) as Uint8Array, 60);
    const again = await run({ session }, { ticketStore: statefulTickets(broken, random) });
    flowed(again);
    expect(params(again.ce)?.resumed).toBe(false);
    expect(storeErrors(again.se).map((e) => e.operation)).toEqual(['openTicket']);
  });
});

describe.each(['throws', 'rejects', 'returns a 5-byte key'] as const)('a ticket key provider that %s', (how) => {
  /** A provider that answers `KEY` while `ok()` and fails the way `how` says afterwards. */
  const provider = (ok: () => boolean) => (): TicketKeySet | Promise<TicketKeySet> => {
    if (ok()) return { current: KEY };
    if (how === 'returns a 5-byte key') return { current: new Uint8Array(5) };
    return fail(how, 'vault');
  };

  it.each(['tlsv1.3', 'tlsv1.2'] as const)('%s: at issuance no ticket, the connection goes on', async (version) => {
    const r = await run({ versions: [version] }, { ticketKeys: provider(() => false) });
    flowed(r);
    // TLS 1.2 (RFC 5077 §3.3): the promised NewSessionTicket is empty, so the session the client
    // keeps has no ticket.
    const kept = tickets(r.ce);
    if (version === 'tlsv1.3') expect(kept).toEqual([]);
    else expect(kept.map((s) => s.version === 'tlsv1.2' && s.ticket)).toEqual([undefined]);
    expect(storeErrors(r.se).map((e) => e.operation)).toEqual(['issueTicket']);
  });

  it.each(['tlsv1.3', 'tlsv1.2'] as const)('%s: at decryption a full handshake', async (version) => {
    let working = true;
    const server = { ticketKeys: provider(() => working) };
    const first = await run({ versions: [version] }, server);
    const session = tickets(first.ce)[0];
    expect(session).toBeDefined();
    working = false;
    const again = await run({ versions: [version], session }, server);
    flowed(again);
    expect(params(again.ce)?.resumed).toBe(false);
    expect(storeErrors(again.se).map((e) => e.operation)).toEqual(['openTicket', 'issueTicket']);
  });
});
