// RFC 8879 certificate compression through the engine: both roles, the algorithm choice, the
// transcript over the compressed message (a wrong one would fail Finished), and every bad input
// with the alert RFC 8879 §4 names.
import { nodeProvider } from '@sslsocket/provider-node';
import type { CertificateCompressionAlgorithm, CryptoProvider } from '@sslsocket/suites';
import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { ConnectionConfig } from './config.js';
import { ClientConnection, type Connection, ServerConnection } from './connection.js';
import { baseClient, baseServer, clientId, connect, mutateOutgoing, pump } from './test/pair.js';

const COMPRESSED_CERTIFICATE = 25;
const CERTIFICATE = 11;

/** Records the handshake message types `conn` sends (the identity rewrite of mutateOutgoing). */
function sentTypes(conn: Connection): number[] {
  const seen: number[] = [];
  for (const type of [CERTIFICATE, COMPRESSED_CERTIFICATE]) {
    mutateOutgoing(conn, type, (body) => {
      seen.push(type);
      return body;
    });
  }
  return seen;
}

/** A handshake with a client certificate; returns both ends and the certificate messages each sent. */
function run(client: Partial<ConnectionConfig>, server: Partial<ConnectionConfig>, provider?: CryptoProvider) {
  const withProvider = provider === undefined ? {} : { provider };
  const c = new ClientConnection(
    baseClient({ certificateChain: [clientId.cert], privateKey: clientId.key, ...withProvider, ...client }),
  );
  const s = new ServerConnection(
    baseServer({ verifyPeer: true, pinnedCertificate: clientId.cert, ...withProvider, ...server }),
  );
  const fromClient = sentTypes(c);
  const fromServer = sentTypes(s);
  c.start();
  pump(c, s);
  return { c, s, fromClient, fromServer };
}

const both = (algorithms: CertificateCompressionAlgorithm[]) => ({ certificateCompression: algorithms });

describe('certificate compression (RFC 8879), TLS 1.3 engine', () => {
  it('zlib on noble: both certificates go compressed and the handshake completes', () => {
    const { c, s, fromClient, fromServer } = run(both(['zlib']), both(['zlib']));
    expect(c.handshakeComplete && s.handshakeComplete).toBe(true);
    expect(fromServer).toEqual([COMPRESSED_CERTIFICATE]);
    expect(fromClient).toEqual([COMPRESSED_CERTIFICATE]);
  });

  it.each(['zlib', 'brotli'] as const)('%s on the node provider, both roles', (algorithm) => {
    const { c, s, fromClient, fromServer } = run(both([algorithm]), both([algorithm]), nodeProvider);
    expect(c.handshakeComplete && s.handshakeComplete).toBe(true);
    expect([fromServer, fromClient]).toEqual([[COMPRESSED_CERTIFICATE], [COMPRESSED_CERTIFICATE]]);
  });

  it('the sender uses its first algorithm the receiver offered; node brotli against noble zlib', () => {
    // noble offers only what fflate decompresses (zlib), so the node side must fall back to zlib.
    const c = new ClientConnection(baseClient({ ...both(['brotli', 'zlib']) }));
    const s = new ServerConnection(baseServer({ provider: nodeProvider, ...both(['brotli', 'zlib']) }));
    const seen: number[] = [];
    mutateOutgoing(s, COMPRESSED_CERTIFICATE, (body) => {
      seen.push(((body[0] as number) << 8) | (body[1] as number));
      return body;
    });
    c.start();
    pump(c, s);
    expect(c.handshakeComplete).toBe(true);
    expect(seen).toEqual([1]);
  });

  it('no compression unless both sides have it configured; TLS 1.2 ignores the extension', () => {
    expect(run(both(['zlib']), {}).fromServer).toEqual([CERTIFICATE]);
    expect(run({}, both(['zlib'])).fromServer).toEqual([CERTIFICATE]);
    expect(run({}, both(['zlib'])).fromClient).toEqual([CERTIFICATE]);
    const tls12 = connect({ ...both(['zlib']) }, { ...both(['zlib']), versions: ['tlsv1.2'] });
    expect(tls12.client.handshakeComplete && tls12.server.handshakeComplete).toBe(true);
  });

  it('post-handshake client authentication answers with a CompressedCertificate', () => {
    const c = new ClientConnection(
      baseClient({
        postHandshakeAuth: true,
        certificateChain: [clientId.cert],
        privateKey: clientId.key,
        ...both(['zlib']),
      }),
    );
    const s = new ServerConnection(baseServer({ pinnedCertificate: clientId.cert, ...both(['zlib']) }));
    const fromClient = sentTypes(c);
    c.start();
    pump(c, s);
    s.requestClientCertificate();
    pump(c, s);
    expect(fromClient).toEqual([COMPRESSED_CERTIFICATE]);
    const got = s.takeEvents().find((e) => e.type === 'peerCertificate');
    expect(got?.type === 'peerCertificate' && got.chain.length).toBe(1);
    expect(s.error).toBeUndefined();
  });

  describe('a bad CompressedCertificate from the server', () => {
    function corrupt(mutate: (body: Uint8Array) => Uint8Array, client: Partial<ConnectionConfig> = both(['zlib'])) {
      const c = new ClientConnection(baseClient(client));
      const s = new ServerConnection(baseServer(both(['zlib'])));
      mutateOutgoing(s, COMPRESSED_CERTIFICATE, mutate);
      c.start();
      pump(c, s);
      return c.error?.description;
    }
    const setLength = (body: Uint8Array, length: number): Uint8Array => {
      const out = body.slice();
      out.set([length >> 16, (length >> 8) & 255, length & 255], 2);
      return out;
    };
    const lengthOf = (body: Uint8Array): number => ((body[2] as number) << 16) | ((body[3] as number) << 8) | body[4]!;

    it('uncompressed_length one more or one less than the stream: bad_certificate', () => {
      expect(corrupt((b) => setLength(b, lengthOf(b) + 1))).toBe('bad_certificate');
      expect(corrupt((b) => setLength(b, lengthOf(b) - 1))).toBe('bad_certificate');
    });

    it('uncompressed_length above maxHandshakeSize: bad_certificate before inflating', () => {
      expect(corrupt((b) => setLength(b, 300 * 1024))).toBe('bad_certificate');
      const bomb = zlibSync(new Uint8Array(2_000_000));
      const body = Uint8Array.of(
        0,
        1,
        0x00,
        0x10,
        0x00,
        bomb.length >> 16,
        (bomb.length >> 8) & 255,
        bomb.length & 255,
      );
      // A bomb announcing 4 KiB: inflating stops just past 4 KiB and the alert is bad_certificate.
      expect(corrupt(() => Uint8Array.of(...body, ...bomb))).toBe('bad_certificate');
    });

    it('a corrupt stream: bad_certificate; a truncated message: decode_error', () => {
      expect(
        corrupt((b) => {
          const out = b.slice();
          out[12] = (out[12] as number) ^ 0xff;
          return out;
        }),
      ).toBe('bad_certificate');
      expect(corrupt((b) => b.subarray(0, b.length - 1))).toBe('decode_error');
    });

    it('an algorithm we did not offer: illegal_parameter; none offered at all: unexpected_message', () => {
      expect(corrupt((b) => Uint8Array.of(0, 2, ...b.subarray(2)))).toBe('illegal_parameter');
      const c = new ClientConnection(baseClient());
      const s = new ServerConnection(baseServer());
      mutateOutgoing(
        s,
        CERTIFICATE,
        (body) => {
          const packed = zlibSync(body);
          return Uint8Array.of(
            0,
            1,
            0,
            body.length >> 8,
            body.length & 255,
            0,
            packed.length >> 8,
            packed.length & 255,
            ...packed,
          );
        },
        COMPRESSED_CERTIFICATE,
      );
      c.start();
      pump(c, s);
      expect(c.error?.description).toBe('unexpected_message');
    });

    it('a malformed compress_certificate list in the ClientHello: decode_error', () => {
      const bad = connect({ extraExtensions: [{ type: 27, data: Uint8Array.of(3, 0, 1, 0) }] }, both(['zlib']));
      expect(bad.server.error?.description).toBe('decode_error');
      const empty = connect({ extraExtensions: [{ type: 27, data: Uint8Array.of(0) }] }, both(['zlib']));
      expect(empty.server.error?.description).toBe('decode_error');
      // Unknown codes are ignored (RFC 8879 §3): no algorithm in common, so a plain Certificate.
      const unknown = connect({ extraExtensions: [{ type: 27, data: Uint8Array.of(2, 0x7f, 0x01) }] }, both(['zlib']));
      expect(unknown.client.handshakeComplete).toBe(true);
    });
  });
});
