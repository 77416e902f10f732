// Downgrade and injection through a man in the middle on 127.0.0.1, between our client and our
// server: each tampering is detected, with the alert the RFC names.
import { afterEach, describe, expect, it } from 'vitest';
import { extensionOffset, mitm } from '../support/mitm.js';
import { Cleanup, ourClient, ourServer } from '../support/peers.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

const isHello = (record: Uint8Array, type: number): boolean => record[0] === 22 && record[5] === type;

async function through(
  edits: Parameters<typeof mitm>[2],
  serverOptions: Parameters<typeof ourServer>[1] = {},
  clientOptions: Parameters<typeof ourClient>[1] = {},
): Promise<unknown> {
  const server = await ourServer(cleanup, serverOptions);
  const accepted = server.accept().catch((error: unknown) => error);
  const port = await mitm(cleanup, server.address.port, edits);
  const failure = await ourClient(port, { handshakeTimeoutMs: 5000, ...clientOptions }).then(
    async (socket) => {
      await socket.close({ timeoutMs: 100 });
      return undefined;
    },
    (error: unknown) => error,
  );
  await accepted;
  return failure;
}

describe('tampering between our client and our server', () => {
  it('RFC 8446 §4.1.3: a ServerHello with a cipher suite that was not offered is illegal_parameter', async () => {
    const failure = await through(
      {
        toClient: (r) => {
          if (isHello(r, 2)) {
            const at = 5 + 4 + 2 + 32 + 1 + (r[5 + 4 + 2 + 32] as number);
            r[at] = 0x13;
            r[at + 1] = 0x02; // TLS_AES_256_GCM_SHA384, not offered
          }
          return r;
        },
      },
      {},
      { ciphers: ['TLS_AES_128_GCM_SHA256'] },
    );
    expect(failure).toMatchObject({ name: 'TlsAlert', description: 'illegal_parameter' });
  });

  it('RFC 8446 §4.2.8: a ServerHello key share in a group the client did not offer is illegal_parameter', async () => {
    const failure = await through(
      {
        toClient: (r) => {
          if (isHello(r, 2)) {
            const at = extensionOffset(r, 51);
            r[at + 4] = 0x00;
            r[at + 5] = 0x17; // secp256r1 instead of x25519
          }
          return r;
        },
      },
      {},
      { eccs: ['x25519'] },
    );
    expect(failure).toMatchObject({ name: 'TlsAlert', description: 'illegal_parameter' });
  });

  it('RFC 8446 §4.1.3: stripping supported_versions (a rollback to TLS 1.2) trips the downgrade sentinel', async () => {
    const failure = await through({
      toServer: (r) => {
        if (isHello(r, 1)) {
          const at = extensionOffset(r, 43);
          r[at] = 0xfa; // an unknown extension (GREASE-like): the server no longer sees TLS 1.3
          r[at + 1] = 0xfa;
        }
        return r;
      },
    });
    expect(failure).toMatchObject({ name: 'TlsAlert', description: 'illegal_parameter' });
  });

  it('transcript tampering (one ClientHello random bit) fails the handshake', async () => {
    const failure = await through({
      toServer: (r) => {
        if (isHello(r, 1)) r[5 + 4 + 2 + 5] ^= 0x01;
        return r;
      },
    });
    expect(failure).toMatchObject({ name: 'TlsAlert' });
    expect(['decrypt_error', 'bad_record_mac']).toContain((failure as { description: string }).description);
  });

  it('TLS 1.2: a forged ServerKeyExchange signature is decrypt_error', async () => {
    const failure = await through(
      {
        toClient: (r) => {
          // The ServerKeyExchange (type 12) may share a record with other messages: find it.
          if (r[0] === 22) {
            let at = 5;
            while (at + 4 <= r.length) {
              const length = ((r[at + 1] as number) << 16) | ((r[at + 2] as number) << 8) | (r[at + 3] as number);
              if (r[at] === 12) r[at + 4 + length - 3] ^= 0x01; // inside the signature
              at += 4 + length;
            }
          }
          return r;
        },
      },
      { versions: ['tlsv1.2'] },
      { versions: ['tlsv1.2'] },
    );
    expect(failure).toMatchObject({ name: 'TlsAlert', description: 'decrypt_error' });
  });

  it('a flipped bit in a protected record is bad_record_mac', async () => {
    const failure = await through({
      toClient: (r, index) => {
        if (r[0] === 23 && index <= 3) r[r.length - 1] ^= 0x01;
        return r;
      },
    });
    expect(failure).toMatchObject({ name: 'TlsAlert', description: 'bad_record_mac' });
  });
});
