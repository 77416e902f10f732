import { generateSelfSigned } from '@sslsocket/pkix';
import { describe, expect, it } from 'vitest';
import { connect, listen } from './api.js';

const id = await generateSelfSigned({ commonName: 'localhost' });
const clientId = await generateSelfSigned({ commonName: 'client' });

describe("protocol: 'dtls' with verify: 'verify_peer' on the listener (client certificates)", () => {
  for (const cookies of [true, false]) {
    it(`accepts a client certificate the cacerts trust (cookies: ${cookies})`, async () => {
      // The listener's certificate check is asynchronous; the client's flight after its
      // Certificate (ClientKeyExchange, CertificateVerify, CCS, Finished) waits for it.
      const server = await listen(0, {
        protocol: 'dtls',
        host: '127.0.0.1',
        cert: id.certificatePem,
        key: id.keyPem,
        verify: 'verify_peer',
        failIfNoPeerCert: true,
        cacerts: [clientId.certificatePem],
        cookies,
      });
      const accepted = server.accept();
      const client = await connect('127.0.0.1', server.address.port, {
        protocol: 'dtls',
        cacerts: [id.certificatePem],
        serverNameIndication: 'localhost',
        cert: clientId.certificatePem,
        key: clientId.keyPem,
        handshakeTimeoutMs: 10_000,
      });
      const peer = await accepted;
      expect(peer.peercert()).toEqual(clientId.certificateDer);
      await client.send('hello');
      expect(new TextDecoder().decode(await peer.recv(0, 5000))).toBe('hello');
      await client.close();
      await peer.close();
      await server.close();
    });
  }

  it('refuses a client certificate the cacerts do not trust with a TlsAlert', async () => {
    const other = await generateSelfSigned({ commonName: 'other' });
    const server = await listen(0, {
      protocol: 'dtls',
      host: '127.0.0.1',
      cert: id.certificatePem,
      key: id.keyPem,
      verify: 'verify_peer',
      cacerts: [clientId.certificatePem],
    });
    const accepted = server.accept().catch((e: unknown) => e);
    const client = connect('127.0.0.1', server.address.port, {
      protocol: 'dtls',
      cacerts: [id.certificatePem],
      serverNameIndication: 'localhost',
      cert: other.certificatePem,
      key: other.keyPem,
      handshakeTimeoutMs: 10_000,
    });
    await expect(client).rejects.toMatchObject({ name: 'TlsAlert' });
    expect(await accepted).toMatchObject({ name: 'TlsAlert' });
    await server.close();
  });
});
