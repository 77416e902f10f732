// A TLS 1.2 server may answer the ClientHello with a warning alert before its ServerHello (OpenSSL
// sends unrecognized_name on an SNI mismatch; RFC 5246 §7.2, RFC 6066 §3). A client that offered
// TLS 1.2 ignores it and goes on; a TLS 1.3-only client aborts (RFC 8446 §6.2).
import { describe, expect, it } from 'vitest';
import type { ConnectionConfig } from './config.js';
import { ClientConnection, ServerConnection } from './connection.js';
import type { ConnectionEvent } from './events.js';
import { baseClient, baseServer, pump } from './test/pair.js';

/** alert(21), TLS 1.2, length 2, level warning(1), unrecognized_name(112). */
const WARNING = Uint8Array.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x70]);

function errorOf(events: ConnectionEvent[]) {
  const e = events.find((x) => x.type === 'error');
  return e?.type === 'error' ? e.error : undefined;
}

function afterWarnings(client: Partial<ConnectionConfig>, count = 1) {
  const c = new ClientConnection(baseClient(client));
  const s = new ServerConnection(baseServer({ versions: ['tlsv1.2'] }));
  c.start();
  s.receive(c.takeOutput() as Uint8Array);
  for (let i = 0; i < count; i++) c.receive(WARNING);
  return { c, s, events: c.takeEvents() };
}

describe('warning alert before the ServerHello', () => {
  it('a client offering TLS 1.3 and 1.2 ignores 15 03 03 00 02 01 70 and completes the TLS 1.2 handshake', () => {
    const { c, s, events } = afterWarnings({});
    expect(errorOf(events)).toBeUndefined();
    expect(events.some((e) => e.type === 'alertReceived' && e.alert.description === 'unrecognized_name')).toBe(true);
    expect(c.takeOutput()).toBeNull(); // nothing sent back: no alert of its own
    pump(s, c);
    const done = c.takeEvents().find((e) => e.type === 'handshakeComplete');
    expect(done?.type === 'handshakeComplete' ? done.parameters.version : undefined).toBe('tlsv1.2');
  });

  it('a TLS 1.3-only client aborts: the alert is reported as received from the peer', () => {
    const { events } = afterWarnings({ versions: ['tlsv1.3'] });
    const error = errorOf(events);
    expect(error?.description).toBe('unrecognized_name');
    expect(error?.sentByUs).toBe(false);
  });

  it('a flood of warnings before the ServerHello is cut with unexpected_message', () => {
    expect(errorOf(afterWarnings({}, 4).events)).toBeUndefined();
    expect(errorOf(afterWarnings({}, 5).events)?.description).toBe('unexpected_message');
  });
});
