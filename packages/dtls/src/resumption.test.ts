import { MemorySessionStore, ServerSessionCache, type Session12, type SessionStore } from '@sslsocket/handshake';
import { describe, expect, it } from 'vitest';
import type { DtlsConfig } from './config.js';
import type { DtlsConnection } from './connection.js';
import { dtlsPair, SimulatedNetwork, serverIdentity } from './test/network.js';

const id = await serverIdentity();

/** One handshake (and a message each way); returns the client's session event, if any. */
function handshake(
  cache: ServerSessionCache | SessionStore,
  clientExtra: Partial<DtlsConfig> = {},
  options: ConstructorParameters<typeof SimulatedNetwork>[2] = {},
): { client: DtlsConnection; server: DtlsConnection; session: Session12 | undefined; net: SimulatedNetwork } {
  const { client, server } = dtlsPair(
    id.config,
    id.cert,
    { maxRetransmits: 12, ...clientExtra },
    cache instanceof ServerSessionCache ? { sessionCache: cache } : { sessionStore: cache },
  );
  const net = new SimulatedNetwork(client, server, options);
  client.start();
  net.run(() => net.completed());
  expect(net.completed()).toBe(true);
  client.write(Uint8Array.of(1));
  server.write(Uint8Array.of(2));
  net.run(() => net.data('server').length === 1 && net.data('client').length === 1, net.now + 60_000);
  const event = net.events.client.find((e) => e.type === 'session');
  return { client, server, net, session: event?.type === 'session' ? event.session : undefined };
}

/** The session a handshake gave the client (the test fails when there is none). */
function saved(h: { session: Session12 | undefined }): Session12 {
  expect(h.session).toBeDefined();
  return h.session as Session12;
}

describe('DTLS 1.2 session resumption by session id (RFC 5246 §7.3)', () => {
  it('resumes with an abbreviated handshake: same master secret, no certificate sent', () => {
    const cache = new ServerSessionCache();
    const first = handshake(cache);
    expect(first.client.parameters?.resumed).toBe(false);
    expect(first.session?.sessionId.length).toBe(32);
    expect(cache.size).toBe(1);
    const second = handshake(cache, { session: saved(first) });
    expect(second.client.parameters?.resumed).toBe(true);
    expect(second.server.parameters?.resumed).toBe(true);
    expect(second.client.parameters?.peerCertificates[0]).toEqual(id.cert);
    expect(second.client.parameters?.cipherSuite).toBe(first.client.parameters?.cipherSuite);
    // No new session for a resumed one; and no Certificate message (type 11) on the wire.
    expect(second.session).toBeUndefined();
    expect(second.net.wire.server.some((d) => d[13] === 11)).toBe(false);
    // Keys differ per connection (fresh randoms) but both sides agree.
    expect(second.client.exportKeyingMaterial('EXPERIMENTAL r', undefined, 16)).toEqual(
      second.server.exportKeyingMaterial('EXPERIMENTAL r', undefined, 16),
    );
  });

  it('falls back to a full handshake for an unknown session id', () => {
    const cache = new ServerSessionCache();
    const first = handshake(cache);
    const other = handshake(new ServerSessionCache(), { session: saved(first) });
    expect(other.client.parameters?.resumed).toBe(false);
    expect(other.session?.sessionId).not.toEqual(first.session?.sessionId);
  });

  it('issues no session id without a server cache', () => {
    const { client, server } = dtlsPair(id.config, id.cert);
    const net = new SimulatedNetwork(client, server);
    client.start();
    net.run(() => net.completed());
    expect(net.events.client.some((e) => e.type === 'session')).toBe(false);
  });

  it('refuses to resume an EMS session without EMS (RFC 7627 §5.3)', () => {
    const cache = new ServerSessionCache();
    const first = handshake(cache);
    const session = { ...(first.session as Session12), extendedMasterSecret: false };
    const { client, server } = dtlsPair(id.config, id.cert, { session }, { sessionCache: cache });
    const net = new SimulatedNetwork(client, server);
    client.start();
    net.run(() => net.events.client.some((e) => e.type === 'error'));
    // The client still offers EMS, the cached session has it: the server resumes, the client sees
    // the mismatch with what it kept and aborts.
    const error = net.events.client.find((e) => e.type === 'error');
    expect(error?.type === 'error' && error.error.message).toMatch(/extended master secret/);
  });

  it('resumes on a lossy network (the client resends its last flight when the server repeats)', () => {
    const cache = new ServerSessionCache();
    const first = handshake(cache);
    for (let seed = 1; seed <= 5; seed++) {
      const again = handshake(cache, { session: saved(first) }, { loss: 0.3, seed });
      expect(again.client.parameters?.resumed).toBe(true);
      expect(again.server.parameters?.resumed).toBe(true);
    }
  });

  it('resumes from a sessionStore, also an asynchronous one', async () => {
    const memory = new MemorySessionStore();
    const first = handshake(memory);
    const second = handshake(memory, { session: saved(first) });
    expect(second.server.parameters?.resumed).toBe(true);
    const slow: SessionStore = {
      get: async (key) => memory.get(key),
      set: async (key, value, ttl) => memory.set(key, value, ttl),
      delete: async (key) => memory.delete(key),
    };
    const { client, server } = dtlsPair(id.config, id.cert, { session: saved(first) }, { sessionStore: slow });
    const net = new SimulatedNetwork(client, server);
    client.start();
    for (let i = 0; i < 10 && !net.completed(); i++) {
      net.run(() => net.completed() || server.pending !== undefined);
      await server.pending;
      net.collect('server');
    }
    expect(client.parameters?.resumed).toBe(true);
  });

  it('a failing session store means a full handshake, not a failed one', () => {
    const memory = new MemorySessionStore();
    const first = handshake(memory);
    const broken: SessionStore = {
      get: () => {
        throw new Error('store down');
      },
      set: () => undefined,
      delete: () => undefined,
    };
    const again = handshake(broken, { session: saved(first) });
    expect(again.client.parameters?.resumed).toBe(false);
  });
});
