/**
 * `onSessionStoreError`: a server whose sessionStore or ticketKeys provider fails keeps serving
 * (RFC 5246 §7.4.1.2, RFC 8446 §4.6.1: caching and tickets are optional) and reports the failure.
 */
import { generateCaChain } from '@sslsocket/pkix';
import { memoryPair } from '@sslsocket/transport';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ClientOptions, connect, handshake, type ServerOptions, type SessionStoreError } from './index.js';

let ca: Awaited<ReturnType<typeof generateCaChain>>;

beforeAll(async () => {
  ca = await generateCaChain({ altNames: ['server.test'] });
});

const down = (sync: boolean) => (): never => {
  const error = new RangeError('ECONNREFUSED redis');
  if (sync) throw error;
  return Promise.reject(error) as never;
};

/** One connection; the client writes first, at once (the write a dying server used to lose). */
async function exchange(server: ServerOptions, client: ClientOptions) {
  const reported: SessionStoreError[] = [];
  const [clientEnd, serverEnd] = memoryPair({ chunkSize: 1000 });
  const s = handshake(serverEnd, {
    cert: ca.leaf.certificatePem,
    key: ca.leaf.keyPem,
    onSessionStoreError: (e) => reported.push(e),
    ...server,
  });
  const c = await connect(clientEnd, { host: 'server.test', cacerts: [ca.ca.certificatePem], ...client });
  await c.send('ping');
  const peer = await s;
  const got = new TextDecoder().decode(await peer.recv(4, 2000));
  await peer.send('pong');
  const back = new TextDecoder().decode(await c.recv(4, 2000));
  await c.close({ timeoutMs: 200 });
  await peer.close({ timeoutMs: 200 }).catch(() => undefined);
  return { got, back, reported };
}

describe.each([
  ['throws', true],
  ['rejects', false],
] as const)('a store or ticket key provider that %s', (_label, sync) => {
  const store = () => ({ get: down(sync), set: down(sync), delete: down(sync) });

  it('TLS 1.2 session ids: the handshake completes, data flows both ways, the failed save is reported', async () => {
    const r = await exchange({ sessionStore: store() }, { versions: ['tlsv1.2'] });
    expect([r.got, r.back]).toEqual(['ping', 'pong']);
    expect(r.reported.map((e) => e.operation)).toContain('save');
    expect(r.reported[0]?.cause).toBeInstanceOf(RangeError);
  });

  it('TLS 1.3 stateful tickets: no ticket, data flows both ways, the failed issue is reported', async () => {
    const r = await exchange({ sessionStore: store(), sessionTickets: 'stateful' }, {});
    expect([r.got, r.back]).toEqual(['ping', 'pong']);
    expect(r.reported.map((e) => e.operation)).toEqual(['issueTicket']);
    expect(r.reported[0]?.message).toMatch(/session store set failed: ECONNREFUSED redis/);
  });

  it.each([['tlsv1.3'], ['tlsv1.2']] as const)('%s: ticketKeys provider failing', async (version) => {
    const r = await exchange({ ticketKeys: down(sync), reuseSessions: false }, { versions: [version] });
    expect([r.got, r.back]).toEqual(['ping', 'pong']);
    expect(r.reported.map((e) => e.operation)).toEqual(['issueTicket']);
  });
});

it('a provider returning a 5-byte key is reported; a throwing onSessionStoreError is ignored', async () => {
  let calls = 0;
  const r = await exchange(
    {
      ticketKeys: () => ({ current: new Uint8Array(5) }),
      onSessionStoreError: () => {
        calls++;
        throw new Error('logger down');
      },
    },
    {},
  );
  expect([r.got, r.back]).toEqual(['ping', 'pong']);
  expect(calls).toBe(1);
});

it('onSessionStoreError must be a function', async () => {
  const [, serverEnd] = memoryPair();
  await expect(
    handshake(serverEnd, {
      cert: ca.leaf.certificatePem,
      key: ca.leaf.keyPem,
      onSessionStoreError: 1 as unknown as () => void,
    }),
  ).rejects.toThrow(/onSessionStoreError/);
});
