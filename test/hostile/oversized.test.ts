// Oversized announcements are refused as soon as the length is read, not when the bytes (never)
// arrive: a record header announcing 65,535 bytes, a handshake header above maxHandshakeSize.
import { afterEach, describe, expect, it } from 'vitest';
import { ContentType } from '../support/hostile.js';
import { Cleanup, collect, ourServer, rawConnect, records } from '../support/peers.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** Sends `bytes` and returns how the server's accept() ended, how fast, and what came back. */
async function probe(bytes: Uint8Array, options: { maxHandshakeSize?: number } = {}) {
  const server = await ourServer(cleanup, { handshakeTimeoutMs: 20_000, ...options });
  const started = Date.now();
  const accepted = server.accept().catch((error: unknown) => error);
  const raw = await rawConnect(server.address.port, cleanup);
  const received = collect(raw);
  raw.write(bytes);
  const failure = await accepted;
  return { failure, ms: Date.now() - started, reply: records(await received) };
}

describe('oversized announcements', () => {
  it('a record header announcing 65,535 bytes, then silence: record_overflow at once', async () => {
    const { failure, ms, reply } = await probe(Uint8Array.of(ContentType.handshake, 3, 1, 0xff, 0xff));
    expect(failure).toMatchObject({ name: 'TlsAlert', description: 'record_overflow' });
    expect(ms).toBeLessThan(5000); // not the 20 s handshake timeout
    expect(Array.from(reply[0]?.fragment ?? [])).toEqual([2, 22]);
  });

  it('a ClientHello announcing more than maxHandshakeSize is refused from its 4-byte header', async () => {
    // Handshake header: client_hello, length 100,001; only the header is sent.
    const header = Uint8Array.of(1, 0x01, 0x86, 0xa1);
    const { failure, ms, reply } = await probe(
      Uint8Array.of(ContentType.handshake, 3, 1, 0, header.length, ...header),
      { maxHandshakeSize: 100_000 },
    );
    expect(failure).toMatchObject({ name: 'TlsAlert', description: 'illegal_parameter' });
    expect(ms).toBeLessThan(5000);
    expect(reply[0]?.type).toBe(ContentType.alert);
    expect(Array.from(reply[0]?.fragment ?? [])).toEqual([2, 47]); // fatal illegal_parameter, as OpenSSL
  });

  it('a ClientHello header announcing 200,000 bytes (under the default limit) is refused at once', async () => {
    // No ClientHello can exceed 131,396 bytes (RFC 8446 §4.1.2): node:tls (OpenSSL) drops this at
    // the header too; before, we buffered up to 256 KiB until the handshake timeout.
    const header = Uint8Array.of(1, 0x03, 0x0d, 0x40);
    const { failure, ms, reply } = await probe(Uint8Array.of(ContentType.handshake, 3, 1, 0, 4, ...header));
    expect(failure).toMatchObject({ name: 'TlsAlert', description: 'illegal_parameter' });
    expect(ms).toBeLessThan(5000);
    expect(Array.from(reply[0]?.fragment ?? [])).toEqual([2, 47]);
  });

  it('a record above 2^14 + expansion in the plaintext epoch is record_overflow', async () => {
    const { failure } = await probe(Uint8Array.of(ContentType.handshake, 3, 3, 0x40, 0x01));
    expect(failure).toMatchObject({ name: 'TlsAlert', description: 'record_overflow' });
  });
});
