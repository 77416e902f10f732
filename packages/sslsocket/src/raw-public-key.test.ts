// RFC 7250 raw public keys through the public API: listen() and connect() with raw keys only (no
// certificate at all), the pinned set and the callback, and the option checks.
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { connect, listen, OptionError } from './index.js';

function rawKeyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    pub: publicKey.export({ type: 'spki', format: 'pem' }) as string,
    der: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })),
  };
}
const server = rawKeyPair();
const client = rawKeyPair();
const stranger = rawKeyPair();

async function serve(options: Record<string, unknown>) {
  const listener = await listen(0, {
    host: '127.0.0.1',
    key: server.key,
    rawPublicKey: server.pub,
    serverCertificateTypes: ['raw_public_key'],
    ...options,
  });
  const accepted = listener.accept();
  return { listener, accepted, port: listener.address.port };
}

describe('raw public keys (RFC 7250) through connect/listen', () => {
  it('server raw key pinned by the client (expectedRawPublicKeys), no certificates anywhere', async () => {
    const { listener, accepted, port } = await serve({});
    try {
      const socket = await connect('127.0.0.1', port, {
        serverCertificateTypes: ['raw_public_key'],
        expectedRawPublicKeys: [server.pub],
        reuseSessions: false,
      });
      const info = socket.connectionInformation();
      expect(info.certificateTypes).toEqual({ server: 'raw_public_key', client: 'x509' });
      expect(info.peerRawPublicKey).toEqual(server.der);
      expect(socket.peercert()).toBeUndefined();
      await socket.send('ping');
      const peer = await accepted;
      expect(new TextDecoder().decode(await peer.recv())).toBe('ping');
      await socket.close({ timeoutMs: 500 });
      await peer.close({ timeoutMs: 500 });
    } finally {
      await listener.close();
    }
  });

  it('raw keys both ways: the server trusts the client key through verifyRawPublicKey', async () => {
    const seen: Uint8Array[] = [];
    const { listener, accepted, port } = await serve({
      verify: 'verify_peer',
      failIfNoPeerCert: true,
      clientCertificateTypes: ['raw_public_key'],
      verifyRawPublicKey: async (spki: Uint8Array) => {
        seen.push(spki);
        return Buffer.from(spki).equals(client.der);
      },
    });
    try {
      const socket = await connect('127.0.0.1', port, {
        serverCertificateTypes: ['raw_public_key'],
        clientCertificateTypes: ['raw_public_key'],
        expectedRawPublicKeys: [server.der],
        key: client.key,
        rawPublicKey: client.der,
        reuseSessions: false,
      });
      const peer = await accepted;
      expect(peer.connectionInformation().peerRawPublicKey).toEqual(client.der);
      expect(peer.connectionInformation().certificateTypes).toEqual({
        server: 'raw_public_key',
        client: 'raw_public_key',
      });
      expect(seen).toEqual([client.der]);
      await socket.close({ timeoutMs: 500 });
      await peer.close({ timeoutMs: 500 });
    } finally {
      await listener.close();
    }
  });

  it('a server key outside the pinned set fails with bad_certificate', async () => {
    const { listener, accepted, port } = await serve({});
    accepted.catch(() => undefined);
    try {
      await expect(
        connect('127.0.0.1', port, {
          serverCertificateTypes: ['raw_public_key'],
          expectedRawPublicKeys: [stranger.pub],
          reuseSessions: false,
        }),
      ).rejects.toMatchObject({ description: 'bad_certificate' });
    } finally {
      await listener.close();
    }
  });

  it('option checks: unknown type, unreadable key, key that is not the raw key', async () => {
    await expect(
      connect('127.0.0.1', 1, { serverCertificateTypes: ['raw'] as never, expectedRawPublicKeys: [server.pub] }),
    ).rejects.toThrow(OptionError);
    await expect(
      connect('127.0.0.1', 1, { serverCertificateTypes: ['raw_public_key'], expectedRawPublicKeys: ['nope'] }),
    ).rejects.toThrow(/expectedRawPublicKeys\[0\].*no PUBLIC KEY block/);
    await expect(
      listen(0, {
        host: '127.0.0.1',
        key: server.key,
        rawPublicKey: client.pub,
        serverCertificateTypes: ['raw_public_key'],
      }),
    ).rejects.toThrow(/does not belong to the raw public key/);
  });
});
