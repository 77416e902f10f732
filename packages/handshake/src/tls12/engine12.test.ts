import { describe, expect, it } from 'vitest';
import { ClientConnection, ServerConnection } from '../connection.js';
import type { ConnectionEvent, NegotiatedParameters } from '../events.js';
import { baseClient, baseServer, connect, pump } from '../test/pair.js';

const text = (s: string) => new TextEncoder().encode(s);

function dataOf(events: ConnectionEvent[]): string {
  return events.map((e) => (e.type === 'data' ? new TextDecoder().decode(e.data) : '')).join('');
}

function params(events: ConnectionEvent[]): NegotiatedParameters | undefined {
  const done = events.find((e) => e.type === 'handshakeComplete');
  return done?.type === 'handshakeComplete' ? done.parameters : undefined;
}

function errorOf(events: ConnectionEvent[]): string | undefined {
  const e = events.find((x) => x.type === 'error');
  return e?.type === 'error' ? e.error.description : undefined;
}

describe('TLS 1.2 engine, in memory', () => {
  it('a 1.2-only client meets a 1.2+1.3 server at TLS 1.2 and exchanges data', () => {
    const { client, server } = connect({ versions: ['tlsv1.2'] });
    const ce = client.takeEvents();
    const se = server.takeEvents();
    expect(errorOf(ce) ?? errorOf(se)).toBeUndefined();
    const p = params(ce);
    expect(p?.version).toBe('tlsv1.2');
    expect(p?.extendedMasterSecret).toBe(true);
    expect(p?.secureRenegotiation).toBe(true);
    expect(params(se)?.cipherSuite).toBe(p?.cipherSuite);
    client.write(text('ping'));
    server.write(text('pong'));
    pump(client, server);
    expect(dataOf(server.takeEvents())).toBe('ping');
    expect(dataOf(client.takeEvents())).toBe('pong');
  });
});
