import { leafPublicKey } from '@sslsocket/handshake/tls12-kit';
import { describe, expect, it } from 'vitest';
import { DtlsConnection } from './connection.js';
import { dtlsPair, SimulatedNetwork, serverIdentity } from './test/network.js';

const id = await serverIdentity();

describe('DTLS 1.2 handshake on a clean network', () => {
  it('completes with a cookie exchange, ECDHE-ECDSA AES-GCM, EMS and renegotiation_info', () => {
    const { client, server } = dtlsPair(id.config, id.cert);
    const net = new SimulatedNetwork(client, server);
    client.start();
    net.run(() => net.completed());
    expect(client.parameters?.cipherSuite).toMatch(/ECDHE_ECDSA_WITH_AES_(128|256)_GCM/);
    expect(client.parameters?.extendedMasterSecret).toBe(true);
    expect(server.parameters?.secureRenegotiation).toBe(true);
    // The first ClientHello got a HelloVerifyRequest: the client sent two ClientHello flights.
    expect(net.wire.server[0]?.[13]).toBe(3);
    expect(client.exportKeyingMaterial('EXPERIMENTAL test', undefined, 32)).toEqual(
      server.exportKeyingMaterial('EXPERIMENTAL test', undefined, 32),
    );
  });

  it.each([
    'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
    'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  ])('carries application data both ways with %s, one record per message', (suite) => {
    const { client, server } = dtlsPair(id.config, id.cert, { cipherSuites: [suite] });
    const net = new SimulatedNetwork(client, server);
    client.start();
    client.write(new TextEncoder().encode('early'));
    net.run(() => net.completed());
    expect(server.parameters?.cipherSuite).toBe(suite);
    server.write(Uint8Array.of(1, 2, 3));
    client.write(Uint8Array.of(4));
    net.run(() => net.data('client').length === 1 && net.data('server').length === 2);
    expect(net.data('server').map((d) => [...d])).toEqual([[...new TextEncoder().encode('early')], [4]]);
    expect(net.data('client').map((d) => [...d])).toEqual([[1, 2, 3]]);
  });

  it('waits for an asynchronous certificate verification hook', async () => {
    const { client, server } = dtlsPair(id.config, id.cert, {
      verifyCertificate: async (chain) => {
        await new Promise((r) => setTimeout(r, 5));
        expect(chain[0]).toEqual(id.cert);
        return leafPublicKey(chain[0] as Uint8Array);
      },
    });
    const net = new SimulatedNetwork(client, server);
    client.start();
    for (let i = 0; i < 10 && !net.completed(); i++) {
      net.run(() => net.completed() || client.pending !== undefined);
      await client.pending;
      net.collect('client');
    }
    expect(net.completed()).toBe(true);
  });

  it("delivers the server's data that overtakes its ChangeCipherSpec and Finished, after the handshake", () => {
    const { client, server } = dtlsPair(id.config, id.cert);
    const net = new SimulatedNetwork(client, server);
    client.start();
    net.run(() => server.handshakeComplete);
    // The server's last flight is on the wire; its data goes first (reordered), then the flight.
    server.write(Uint8Array.of(7, 7));
    const data = server.takeDatagrams().at(-1) as Uint8Array;
    client.receive(data);
    expect(client.takeEvents().some((e) => e.type === 'data')).toBe(false);
    net.run(() => client.handshakeComplete);
    expect(net.data('client').map((d) => [...d])).toEqual([[7, 7]]);
  });

  it('closes with close_notify', () => {
    const { client, server } = dtlsPair(id.config, id.cert);
    const net = new SimulatedNetwork(client, server);
    client.start();
    net.run(() => net.completed());
    client.close();
    net.run(() => server.readClosed);
    expect(net.events.server.some((e) => e.type === 'closed')).toBe(true);
    expect(() => client.write(Uint8Array.of(1))).toThrow(/closed/);
  });

  it('fails with bad_certificate when the server certificate is not the pinned one', () => {
    const { client, server } = dtlsPair(id.config, Uint8Array.of(1, 2, 3));
    const net = new SimulatedNetwork(client, server);
    client.start();
    net.run(() => client.failed !== undefined && server.failed !== undefined);
    expect(client.failed?.message).toMatch(/bad_certificate/);
    expect(server.failed?.message).toMatch(/bad_certificate/);
  });

  it('refuses a client that offers no suite the server has (handshake_failure)', () => {
    const { client, server } = dtlsPair(
      id.config,
      id.cert,
      { cipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'] },
      { cipherSuites: ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'] },
    );
    const net = new SimulatedNetwork(client, server);
    client.start();
    net.run(() => client.failed !== undefined);
    expect(client.failed?.message).toMatch(/handshake_failure/);
    expect(server).toBeInstanceOf(DtlsConnection);
  });
});

describe('DTLS 1.2 after the handshake', () => {
  it('answers a HelloRequest with a no_renegotiation warning and keeps the association', () => {
    const { client, server } = dtlsPair(id.config, id.cert);
    const net = new SimulatedNetwork(client, server);
    client.start();
    net.run(() => net.completed());
    // The server's next message (message_seq 5 after ServerHello..Finished with a cookie exchange).
    server.queue(0, new Uint8Array(0));
    server.sendFlight(false);
    net.collect('server');
    net.run(() => net.events.server.some((e) => e.type === 'alert'));
    const alert = net.events.server.find((e) => e.type === 'alert');
    expect(alert?.type === 'alert' && alert.alert.description).toBe('no_renegotiation');
    client.write(Uint8Array.of(5));
    net.collect('client');
    net.run(() => net.data('server').length === 1);
    expect(client.failed).toBeUndefined();
  });
});
