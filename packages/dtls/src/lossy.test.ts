import { nodeProvider } from '@sslsocket/provider-node';
import { describe, expect, it } from 'vitest';
import { DtlsConnection } from './connection.js';
import { admitDatagram, CookieGate } from './handshake/cookie.js';
import { ReplayWindow } from './record/replay-window.js';
import { dtlsPair, SimulatedNetwork, serverIdentity } from './test/network.js';

const id = await serverIdentity();

/** Handshake, then 40 numbered messages each way; returns what arrived. */
function exchange(net: SimulatedNetwork, client: DtlsConnection, server: DtlsConnection): void {
  client.start();
  net.run(() => net.completed(), 120_000);
  expect(net.completed()).toBe(true);
  for (let i = 0; i < 40; i++) {
    client.write(Uint8Array.of(0xc0, i, ...new Array(100).fill(i)));
    server.write(Uint8Array.of(0x50, i, ...new Array(100).fill(i)));
  }
  net.collect('client');
  net.collect('server');
  net.run(() => false, net.now + 5_000);
}

/** DTLS is unreliable: each message arrives once or never, intact. */
function expectOnceOrNever(received: Uint8Array[], tag: number): void {
  const seen = new Set<number>();
  for (const m of received) {
    expect(m[0]).toBe(tag);
    const n = m[1] as number;
    expect(seen.has(n)).toBe(false);
    seen.add(n);
    expect(m.subarray(2)).toEqual(new Uint8Array(100).fill(n));
  }
}

describe('DTLS 1.2 on a lossy, duplicating, reordering network', () => {
  it.each([
    ['10% loss', { loss: 0.1, seed: 7 }],
    ['30% loss', { loss: 0.3, seed: 11 }],
    ['duplication and reordering', { duplicate: 0.3, jitter: 80, seed: 3 }],
    ['30% loss with duplication and reordering', { loss: 0.3, duplicate: 0.2, jitter: 50, seed: 5 }],
  ])('completes the handshake with %s, each message once or not at all', (_name, options) => {
    for (let seed = 0; seed < 5; seed++) {
      const { client, server } = dtlsPair(id.config, id.cert, { maxRetransmits: 12 });
      const net = new SimulatedNetwork(client, server, { ...options, seed: options.seed * 100 + seed });
      exchange(net, client, server);
      // Within the timer budget: 1 s doubling, well under two minutes of virtual time.
      expect(net.now).toBeLessThan(120_000);
      expectOnceOrNever(net.data('server'), 0xc0);
      expectOnceOrNever(net.data('client'), 0x50);
      expect(client.failed).toBeUndefined();
      expect(server.failed).toBeUndefined();
    }
  });

  it('fits every datagram into an MTU of 576 by fragmenting handshake messages', () => {
    const { client, server } = dtlsPair(id.config, id.cert, { mtu: 576 }, { mtu: 576 });
    const net = new SimulatedNetwork(client, server, { mtu: 576, loss: 0.1, jitter: 30, seed: 9 });
    exchange(net, client, server);
    expect(net.oversized).toBe(0);
    expect(Math.max(...net.wire.server.map((d) => d.length))).toBeLessThanOrEqual(576);
    // The certificate did not fit one datagram: the server's flight took several.
    expect(net.wire.server.length).toBeGreaterThan(3);
  });

  it('fails with DtlsTimeoutError after maxRetransmits when the peer never answers', () => {
    const client = DtlsConnection.client({ provider: nodeProvider, maxRetransmits: 3, pinnedCertificate: id.cert });
    client.start();
    const delays: (number | undefined)[] = [];
    for (let i = 0; i < 5; i++) {
      for (const e of client.takeEvents()) if (e.type === 'timer') delays.push(e.delay);
      client.handleTimeout();
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, undefined]);
    expect(client.failed?.name).toBe('DtlsTimeoutError');
  });

  it('caps the back-off at retransmitMax', () => {
    const client = DtlsConnection.client({
      provider: nodeProvider,
      retransmitInitial: 500,
      retransmitMax: 1500,
      pinnedCertificate: id.cert,
    });
    client.start();
    const delays: (number | undefined)[] = [];
    for (let i = 0; i < 4; i++) {
      for (const e of client.takeEvents()) if (e.type === 'timer') delays.push(e.delay);
      client.handleTimeout();
    }
    expect(delays).toEqual([500, 1000, 1500, 1500]);
  });
});

describe('DTLS 1.2 against hostile datagrams', () => {
  it('drops replayed records', () => {
    const { client, server } = dtlsPair(id.config, id.cert);
    const net = new SimulatedNetwork(client, server);
    client.start();
    net.run(() => net.completed());
    client.write(Uint8Array.of(42));
    net.collect('client');
    const record = net.wire.client.at(-1) as Uint8Array;
    net.run(() => net.data('server').length === 1);
    const before = server.records.dropped;
    for (let i = 0; i < 3; i++) server.receive(record.slice());
    net.collect('server');
    expect(net.data('server')).toHaveLength(1);
    expect(server.records.dropped).toBe(before + 3);
    expect(server.failed).toBeUndefined();
  });

  it('drops garbage and forged datagrams without killing the association', () => {
    const { client, server } = dtlsPair(id.config, id.cert);
    const net = new SimulatedNetwork(client, server);
    client.start();
    net.run(() => net.completed());
    const garbage = [
      new Uint8Array(0),
      Uint8Array.of(1, 2, 3),
      new Uint8Array(200).fill(0xff),
      // A well-framed application data record of epoch 1 with a wrong tag.
      Uint8Array.of(23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 99, 0, 24, ...new Array(24).fill(7)),
      // A plaintext fatal alert in epoch 0, spoofable by anyone once keys are in use.
      Uint8Array.of(21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 50, 0, 2, 2, 40),
      // A record claiming more bytes than the datagram has.
      Uint8Array.of(23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 100, 0x40, 0),
    ];
    for (const g of garbage) server.receive(g);
    expect(server.failed).toBeUndefined();
    client.write(Uint8Array.of(9));
    net.collect('client');
    net.run(() => net.data('server').length === 1);
    expect([...(net.data('server')[0] as Uint8Array)]).toEqual([9]);
  });

  it('answers a spoofed ClientHello without a cookie with a HelloVerifyRequest only, keeping no state', () => {
    const client = DtlsConnection.client({ provider: nodeProvider, pinnedCertificate: id.cert });
    client.start();
    const hello = client.takeDatagrams()[0] as Uint8Array;
    const gate = new CookieGate(nodeProvider);
    const verdict = admitDatagram(gate, '203.0.113.9:4444', hello);
    expect(verdict.kind).toBe('reply');
    const reply = (verdict as { datagram: Uint8Array }).datagram;
    // One record: handshake, DTLS 1.0 version, epoch 0, the ClientHello's record sequence number.
    expect([...reply.subarray(0, 11)]).toEqual([22, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(reply[13]).toBe(3);
    expect(reply.length).toBeLessThan(80);
    // A server connection fed the same datagram answers the same way and stays in its first state.
    const server = DtlsConnection.server({ provider: nodeProvider, ...id.config, cookies: gate, peerAddress: 'x' });
    server.receive(hello);
    expect(server.takeDatagrams()).toHaveLength(1);
    expect(server.stateName).toBe('ExpectClientHello');
    expect(server.hs.suite).toBeUndefined();
    // The cookie is bound to the address: the answer to another peer does not open the gate.
    client.receive(reply);
    const second = client.takeDatagrams()[0] as Uint8Array;
    expect(admitDatagram(gate, '203.0.113.9:4444', second).kind).toBe('accept');
    expect(admitDatagram(gate, '198.51.100.1:4444', second).kind).toBe('reply');
    expect(admitDatagram(gate, 'x', Uint8Array.of(22, 1, 2)).kind).toBe('drop');
  });

  it('accepts cookies made with the previous secret after one rotation, not two', () => {
    let now = 0;
    const gate = new CookieGate(nodeProvider, { secretLifetime: 1000, now: () => now });
    const client = DtlsConnection.client({ provider: nodeProvider, pinnedCertificate: id.cert });
    client.start();
    const hello = client.takeDatagrams()[0] as Uint8Array;
    const verdict = admitDatagram(gate, 'p', hello) as { datagram: Uint8Array };
    client.receive(verdict.datagram);
    const second = client.takeDatagrams()[0] as Uint8Array;
    now = 1500;
    expect(admitDatagram(gate, 'p', second).kind).toBe('accept');
    now = 3000;
    expect(admitDatagram(gate, 'p', second).kind).toBe('reply');
  });
});

describe('ReplayWindow (RFC 6347 §4.1.2.6)', () => {
  it('accepts new numbers once, in any order inside the window, and rejects those left of it', () => {
    const w = new ReplayWindow();
    for (const n of [5, 3, 9, 4]) {
      expect(w.check(n)).toBe(true);
      w.accept(n);
    }
    expect(w.check(3)).toBe(false);
    expect(w.check(6)).toBe(true);
    w.accept(200);
    expect(w.check(136)).toBe(false);
    expect(w.check(137)).toBe(true);
    expect(w.check(200)).toBe(false);
    w.accept(2 ** 47);
    expect(w.check(2 ** 47)).toBe(false);
    expect(w.check(2 ** 47 - 1)).toBe(true);
  });
});
