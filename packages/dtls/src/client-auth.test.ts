import { leafPublicKey } from '@sslsocket/handshake/tls12-kit';
import { describe, expect, it } from 'vitest';
import { dtlsPair, SimulatedNetwork, serverIdentity } from './test/network.js';

const id = await serverIdentity();
const clientId = await serverIdentity();

describe('DTLS 1.2 client certificates (Erlang verify_peer on the server)', () => {
  it('requests, verifies and checks the CertificateVerify of a client certificate', () => {
    const seen: Uint8Array[] = [];
    const { client, server } = dtlsPair(id.config, id.cert, clientId.config, {
      verifyPeer: true,
      verifyCertificate: (chain) => {
        seen.push(chain[0] as Uint8Array);
        return leafPublicKey(chain[0] as Uint8Array);
      },
    });
    const net = new SimulatedNetwork(client, server, { loss: 0.1, seed: 2 });
    client.start();
    net.run(() => net.completed());
    expect(net.completed()).toBe(true);
    expect(seen).toEqual([clientId.cert]);
    expect(server.parameters?.peerCertificates).toEqual([clientId.cert]);
  });

  it('holds the rest of the flight while an asynchronous client certificate check runs', async () => {
    // The client's whole flight (Certificate, ClientKeyExchange, CertificateVerify, CCS, Finished)
    // fits one datagram: the records after the Certificate wait for the hook, then go on in order.
    let calls = 0;
    const { client, server } = dtlsPair(id.config, id.cert, clientId.config, {
      verifyPeer: true,
      verifyCertificate: async (chain) => {
        calls++;
        await new Promise((r) => setTimeout(r, 5));
        return leafPublicKey(chain[0] as Uint8Array);
      },
    });
    const net = new SimulatedNetwork(client, server);
    client.start();
    for (let i = 0; i < 10 && !net.completed() && server.failed === undefined; i++) {
      net.run(() => net.completed() || server.pending !== undefined);
      await server.pending;
      net.collect('server');
    }
    expect(server.failed).toBeUndefined();
    expect(net.completed()).toBe(true);
    expect(calls).toBe(1);
    expect(server.parameters?.peerCertificates).toEqual([clientId.cert]);
  });

  it('fails with handshake_failure when failIfNoPeerCert and the client has none', () => {
    const { client, server } = dtlsPair(id.config, id.cert, {}, { verifyPeer: true, failIfNoPeerCert: true });
    const net = new SimulatedNetwork(client, server);
    client.start();
    net.run(() => server.failed !== undefined && client.failed !== undefined);
    expect(server.failed?.message).toMatch(/handshake_failure/);
    expect(client.failed?.message).toMatch(/handshake_failure/);
  });

  it('accepts an empty client Certificate without failIfNoPeerCert', () => {
    const { client, server } = dtlsPair(id.config, id.cert, {}, { verifyPeer: true });
    const net = new SimulatedNetwork(client, server);
    client.start();
    net.run(() => net.completed());
    expect(server.parameters?.peerCertificates).toEqual([]);
  });

  it('rejects a client whose certificate the hook refuses (bad_certificate at both ends)', () => {
    const { client, server } = dtlsPair(id.config, id.cert, clientId.config, {
      verifyPeer: true,
      pinnedCertificate: id.cert,
    });
    const net = new SimulatedNetwork(client, server);
    client.start();
    net.run(() => server.failed !== undefined && client.failed !== undefined);
    expect(server.failed?.message).toMatch(/bad_certificate/);
    expect(client.failed?.message).toMatch(/bad_certificate/);
  });
});
