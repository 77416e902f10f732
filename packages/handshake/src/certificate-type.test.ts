// RFC 7250 raw public keys in TLS 1.3 between our own client and server (engine level).
import { nobleProvider } from '@sslsocket/suites';
import { describe, expect, it } from 'vitest';
import type { ConnectionConfig } from './config.js';
import { ClientConnection, ServerConnection } from './connection.js';
import { HandshakeType } from './messages/handshake-type.js';
import { spkiFromCertificate } from './spki.js';
import { baseClient, baseServer, clientId, mutateOutgoing, pump, pumpAsync, serverId } from './test/pair.js';

/** The whole DER SubjectPublicKeyInfo (SEQUENCE header + content) of a test identity. */
function spkiOf(cert: Uint8Array): Uint8Array {
  const content = spkiFromCertificate(cert);
  return Uint8Array.of(0x30, content.length, ...content);
}
const serverSpki = spkiOf(serverId.cert);
const clientSpki = spkiOf(clientId.cert);
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const trusts =
  (pinned: Uint8Array) =>
  (spki: Uint8Array): boolean =>
    same(spki, pinned);

function run(client: Partial<ConnectionConfig>, server: Partial<ConnectionConfig>) {
  const c = new ClientConnection(baseClient({ versions: ['tlsv1.3'], ...client }));
  const s = new ServerConnection(baseServer(server));
  c.start();
  pump(c, s);
  const params = (conn: ClientConnection | ServerConnection) => {
    const done = conn.takeEvents().find((e) => e.type === 'handshakeComplete');
    return done?.type === 'handshakeComplete' ? done.parameters : undefined;
  };
  return { c, s, cp: params(c), sp: params(s) };
}

describe('RFC 7250 raw public keys (TLS 1.3)', () => {
  it('the server presents its raw key; the client checks it against its pin', () => {
    const { cp, sp } = run(
      { serverCertificateTypes: ['raw_public_key'], verifyRawPublicKey: trusts(serverSpki) },
      { serverCertificateTypes: ['raw_public_key', 'x509'], rawPublicKey: serverSpki },
    );
    expect(cp?.certificateTypes).toEqual({ server: 'raw_public_key', client: 'x509' });
    expect(sp?.certificateTypes).toEqual({ server: 'raw_public_key', client: 'x509' });
    expect(cp?.peerRawPublicKey).toEqual(serverSpki);
    expect(cp?.peerCertificates).toEqual([]);
    expect(cp?.peerPublicKey?.kind).toBe('ed25519');
  });

  it('both sides use raw keys (client authentication with a raw key, asynchronous hook)', async () => {
    const c = new ClientConnection(
      baseClient({
        serverCertificateTypes: ['raw_public_key'],
        verifyRawPublicKey: async (spki) => same(spki, serverSpki),
        clientCertificateTypes: ['raw_public_key'],
        rawPublicKey: clientSpki,
        privateKey: clientId.key,
      }),
    );
    const s = new ServerConnection(
      baseServer({
        serverCertificateTypes: ['raw_public_key'],
        rawPublicKey: serverSpki,
        verifyPeer: true,
        failIfNoPeerCert: true,
        clientCertificateTypes: ['raw_public_key', 'x509'],
        verifyRawPublicKey: trusts(clientSpki),
      }),
    );
    c.start();
    await pumpAsync(c, s);
    expect(c.error).toBeUndefined();
    expect(s.error).toBeUndefined();
    const done = s.takeEvents().find((e) => e.type === 'handshakeComplete');
    const params = done?.type === 'handshakeComplete' ? done.parameters : undefined;
    expect(params?.certificateTypes).toEqual({ server: 'raw_public_key', client: 'raw_public_key' });
    expect(params?.peerRawPublicKey).toEqual(clientSpki);
    expect(params?.peerCertificates).toEqual([]);
  });

  it('a raw key the client does not trust is bad_certificate', () => {
    const { c } = run(
      { serverCertificateTypes: ['raw_public_key'], verifyRawPublicKey: trusts(clientSpki) },
      { serverCertificateTypes: ['raw_public_key'], rawPublicKey: serverSpki },
    );
    expect(c.error?.description).toBe('bad_certificate');
  });

  it('a raw key without a verifyRawPublicKey hook is refused unless verifyPeer is false', () => {
    const server = { serverCertificateTypes: ['raw_public_key'], rawPublicKey: serverSpki } as const;
    expect(run({ serverCertificateTypes: ['raw_public_key'] }, server).c.error?.description).toBe('bad_certificate');
    expect(run({ serverCertificateTypes: ['raw_public_key'], verifyPeer: false }, server).c.handshakeComplete).toBe(
      true,
    );
  });

  it('a server without a raw key answers a raw-key-only client with unsupported_certificate', () => {
    const { c, s } = run({ serverCertificateTypes: ['raw_public_key'], verifyRawPublicKey: trusts(serverSpki) }, {});
    expect(s.error?.description).toBe('unsupported_certificate');
    expect(c.error?.description).toBe('unsupported_certificate');
  });

  it('a server with only a raw key answers an X.509-only client with unsupported_certificate', () => {
    const c = new ClientConnection(baseClient({ versions: ['tlsv1.3'] }));
    const s = new ServerConnection({
      provider: nobleProvider,
      privateKey: serverId.key,
      serverCertificateTypes: ['raw_public_key'],
      rawPublicKey: serverSpki,
    });
    c.start();
    pump(c, s);
    expect(s.error?.description).toBe('unsupported_certificate');
  });

  it('a client offering both types gets X.509 from a server that only has a certificate', () => {
    const { cp } = run({ serverCertificateTypes: ['raw_public_key', 'x509'], verifyRawPublicKey: () => false }, {});
    expect(cp?.certificateTypes).toEqual({ server: 'x509', client: 'x509' });
    expect(cp?.peerCertificates).toEqual([serverId.cert]);
  });

  it('a client without a raw key of its own sends its certificate when the server accepts both', () => {
    const { c, s } = run(
      { certificateChain: [clientId.cert], privateKey: clientId.key },
      { verifyPeer: true, clientCertificateTypes: ['raw_public_key', 'x509'], pinnedCertificate: clientId.cert },
    );
    expect(c.handshakeComplete && s.handshakeComplete).toBe(true);
  });

  it('a server choosing a type the client did not offer is illegal_parameter', () => {
    const c = new ClientConnection(
      baseClient({ serverCertificateTypes: ['raw_public_key'], verifyRawPublicKey: trusts(serverSpki) }),
    );
    const s = new ServerConnection(
      baseServer({ serverCertificateTypes: ['raw_public_key'], rawPublicKey: serverSpki }),
    );
    // server_certificate_type (0x0014), length 1, RawPublicKey (2) → type 7.
    mutateOutgoing(s, HandshakeType.encrypted_extensions, (body) => {
      const out = body.slice();
      for (let i = 0; i + 4 < out.length; i++)
        if (out[i] === 0 && out[i + 1] === 0x14 && out[i + 2] === 0 && out[i + 3] === 1) out[i + 4] = 7;
      return out;
    });
    c.start();
    pump(c, s);
    expect(c.error?.description).toBe('illegal_parameter');
  });

  it('a RawPublicKey Certificate with two entries is decode_error', () => {
    const c = new ClientConnection(
      baseClient({ serverCertificateTypes: ['raw_public_key'], verifyRawPublicKey: trusts(serverSpki) }),
    );
    const s = new ServerConnection(
      baseServer({ serverCertificateTypes: ['raw_public_key'], rawPublicKey: serverSpki, privateKey: serverId.key }),
    );
    // Certificate: context (1 byte 0), u24 list of {u24 data, u16 exts}: repeat the one entry.
    mutateOutgoing(s, HandshakeType.certificate, (body) => {
      const entry = body.slice(4);
      const length = entry.length * 2;
      return Uint8Array.of(0, length >> 16, (length >> 8) & 255, length & 255, ...entry, ...entry);
    });
    c.start();
    pump(c, s);
    expect(c.error?.description).toBe('decode_error');
  });
});
