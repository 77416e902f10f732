// Post-handshake and handshake floods are bounded (issue #21): NewSessionTickets and refused
// renegotiation requests count as idle records (maxIdleRecords, default 32), a second
// HelloRetryRequest is never answered, and 0-RTT past the limit — accepted or skipped after a
// HelloRetryRequest — ends the handshake with unexpected_message (RFC 8446 §4.2.10, §4.6.1).
import { describe, expect, it } from 'vitest';
import { ClientConnection, ServerConnection } from './connection.js';
import type { ConnectionEvent } from './events.js';
import { errorOf } from './test/events.js';
import { baseClient, baseServer, connect, pump } from './test/pair.js';

const TLS12 = { versions: ['tlsv1.2'] as const };
const TLS13 = { versions: ['tlsv1.3'] as const };
const ticketKeys = [new Uint8Array(32).fill(7)];
const text = (s: string) => new TextEncoder().encode(s);

const count = (events: ConnectionEvent[], type: ConnectionEvent['type']) =>
  events.filter((e) => e.type === type).length;
const warnings = (events: ConnectionEvent[], description: string) =>
  events.filter((e) => e.type === 'alertReceived' && e.alert.description === description).length;

/** A plaintext TLS record (TLS 1.3 0-RTT looks like this to a server without early keys). */
function plaintextRecord(type: number, length: number): Uint8Array {
  return Uint8Array.of(type, 3, 3, length >> 8, length & 0xff, ...new Uint8Array(length).fill(0x41));
}

describe('NewSessionTicket flood (client)', () => {
  it('32 tickets with no application data are kept; the 33rd is unexpected_message', () => {
    const fine = connect(TLS13, { ...TLS13, ticketKeys, ticketCount: 32 });
    const events = fine.client.takeEvents();
    expect(errorOf(events)).toBeUndefined();
    expect(count(events, 'newSessionTicket')).toBe(32);

    const flood = connect(TLS13, { ...TLS13, ticketKeys, ticketCount: 2000 });
    const cut = flood.client.takeEvents();
    expect(errorOf(cut)).toBe('unexpected_message');
    // Bounded work: exactly 32 tickets were derived and handed out before the cut.
    expect(count(cut, 'newSessionTicket')).toBe(32);
    expect(warnings(flood.server.takeEvents(), 'unexpected_message')).toBe(1);
  });
});

describe('renegotiation request flood (TLS 1.2)', () => {
  it('server: refused renegotiation ClientHellos get no_renegotiation, and past 32 handshake_failure', () => {
    const { client, server } = connect(TLS12, { ...TLS12, clientRenegotiation: false });
    client.takeEvents();
    server.takeEvents();
    let refusals = 0;
    for (let i = 0; i < 40 && server.error === undefined; i++) {
      client.renegotiate();
      pump(client, server);
      refusals += warnings(client.takeEvents(), 'no_renegotiation');
    }
    expect(refusals).toBe(32);
    expect(server.error?.description).toBe('handshake_failure');
  });

  it('server: past the rate limit (3 a minute) requests are refused, and a flood of them is cut', () => {
    const { client, server } = connect(TLS12, TLS12);
    client.takeEvents();
    let renegotiated = 0;
    let refusals = 0;
    for (let i = 0; i < 50 && server.error === undefined; i++) {
      client.renegotiate();
      pump(client, server);
      const events = client.takeEvents();
      renegotiated += count(events, 'handshakeComplete');
      refusals += warnings(events, 'no_renegotiation');
    }
    expect(renegotiated).toBe(3);
    expect(refusals).toBe(32);
    expect(server.error?.description).toBe('handshake_failure');
  });

  it('client: HelloRequests it refuses are answered no_renegotiation, past 32 handshake_failure', () => {
    const { client, server } = connect({ ...TLS12, acceptHelloRequest: false }, TLS12);
    server.takeEvents();
    let refusals = 0;
    for (let i = 0; i < 40 && client.error === undefined; i++) {
      server.renegotiate();
      pump(client, server);
      refusals += warnings(server.takeEvents(), 'no_renegotiation');
    }
    expect(refusals).toBe(32);
    expect(client.error?.description).toBe('handshake_failure');
  });

  it('data between requests resets the count', () => {
    const { client, server } = connect(TLS12, { ...TLS12, clientRenegotiation: false });
    for (let i = 0; i < 100; i++) {
      client.renegotiate();
      client.write(text('x'));
      pump(client, server);
      server.write(text('y')); // the client counts the warnings it receives as idle records
      pump(client, server);
    }
    expect(server.error).toBeUndefined();
    expect(client.error).toBeUndefined();
  });
});

describe('HelloRetryRequest loop (RFC 8446 §4.1.4)', () => {
  it('a client answers a second HelloRetryRequest with unexpected_message', () => {
    const client = new ClientConnection(baseClient(TLS13));
    const server = new ServerConnection(baseServer({ ...TLS13, helloRetryAlways: true }));
    client.start();
    server.receive(client.takeOutput() as Uint8Array);
    const hrr = server.takeOutput() as Uint8Array;
    client.receive(hrr);
    expect(client.takeOutput()).not.toBeNull(); // the second ClientHello
    client.receive(hrr);
    expect(client.error?.description).toBe('unexpected_message');
    expect(client.error?.message).toMatch(/second HelloRetryRequest/);
  });

  it('a server never retries twice: a second ClientHello that still needs a retry is illegal_parameter', () => {
    const client = new ClientConnection(baseClient(TLS13));
    const server = new ServerConnection(baseServer({ ...TLS13, helloRetryAlways: true }));
    client.start();
    const first = client.takeOutput() as Uint8Array;
    server.receive(first);
    server.takeOutput();
    server.receive(first);
    expect(server.error?.description).toBe('illegal_parameter');
  });
});

describe('0-RTT beyond max_early_data_size (RFC 8446 §4.2.10, §4.6.1)', () => {
  function ticket() {
    const first = connect(TLS13, { ...TLS13, ticketKeys, maxEarlyDataSize: 1024 });
    const event = first.client.takeEvents().find((e) => e.type === 'newSessionTicket');
    if (event?.type !== 'newSessionTicket') throw new Error('no ticket');
    return event.session;
  }

  it('accepted 0-RTT past the server limit is unexpected_message', () => {
    const session = ticket();
    // The ticket allowed 1,024 bytes; the server now allows 16: the client sends 100.
    const { server } = connect(
      { ...TLS13, session, earlyData: new Uint8Array(100) },
      { ...TLS13, ticketKeys, maxEarlyDataSize: 16 },
    );
    expect(errorOf(server.takeEvents())).toBe('unexpected_message');
  });

  it('0-RTT skipped after a HelloRetryRequest is bounded too', () => {
    const session = ticket();
    const setup = () => {
      const client = new ClientConnection(baseClient({ ...TLS13, session, earlyData: text('early') }));
      const server = new ServerConnection(
        baseServer({ ...TLS13, ticketKeys, maxEarlyDataSize: 1024, helloRetryAlways: true }),
      );
      client.start();
      server.receive(client.takeOutput() as Uint8Array);
      expect(server.takeOutput()).not.toBeNull(); // the HelloRetryRequest
      return server;
    };
    const record = plaintextRecord(23, 1000);
    // 20 KB of 0-RTT records after the retry are skipped (below one record + 64 expansions).
    const tolerant = setup();
    for (let i = 0; i < 20; i++) tolerant.receive(record);
    expect(tolerant.error).toBeUndefined();
    // A stream of them is cut, not dropped until the handshake timeout.
    const flooded = setup();
    let fed = 0;
    for (; fed < 2000 && flooded.error === undefined; fed++) flooded.receive(record);
    expect(flooded.error?.description).toBe('unexpected_message');
    expect(fed).toBeLessThanOrEqual(34);
  });
});
