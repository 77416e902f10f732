// RFC 6066 §4 max_fragment_length in TLS 1.3: a 1.3-only client may offer it, the server echoes it in
// EncryptedExtensions, and both keep their records within it (RFC 8449 §5: record_size_limit wins).
import { Reader } from '@sslsocket/record';
import { describe, expect, it } from 'vitest';
import type { ConnectionConfig } from './config.js';
import { ClientConnection, ServerConnection } from './connection.js';
import { ExtensionType } from './messages/extensions.js';
import { ClientHello } from './messages/hello.js';
import { baseClient, baseServer, pump } from './test/pair.js';
import { answerTo, clientHelloRecord } from './test/wire.js';

/** Lengths of the records in `bytes` (TLSCiphertext.length). */
function recordLengths(bytes: Uint8Array | null): number[] {
  const out: number[] = [];
  for (let at = 0; bytes !== null && at + 5 <= bytes.length; ) {
    const len = ((bytes[at + 3] as number) << 8) | (bytes[at + 4] as number);
    out.push(len);
    at += 5 + len;
  }
  return out;
}

function connected(client: Partial<ConnectionConfig>, server: Partial<ConnectionConfig> = {}) {
  const c = new ClientConnection(baseClient({ versions: ['tlsv1.3'], ...client }));
  const s = new ServerConnection(baseServer(server));
  c.start();
  const hello = c.takeOutput() as Uint8Array;
  s.receive(hello);
  pump(s, c);
  c.takeEvents();
  s.takeEvents();
  return { c, s, hello: ClientHello.decode(new Reader(hello.subarray(9))) };
}

describe('max_fragment_length in TLS 1.3', () => {
  it('a 1.3-only client offers it: extension 00 01, body 02 (1024)', () => {
    const { hello } = connected({ maxFragmentLength: 1024 });
    expect([...(hello.extensions.get(ExtensionType.max_fragment_length) ?? [])]).toEqual([2]);
  });

  it('both sides keep their records within 1024 bytes (+ type byte and tag) after the echo', () => {
    const { c, s } = connected({ maxFragmentLength: 1024 });
    s.write(new Uint8Array(5000).fill(1));
    const fromServer = s.takeOutput();
    expect(Math.max(...recordLengths(fromServer))).toBe(1024 + 1 + 16);
    c.receive(fromServer as Uint8Array);
    const got = c.takeEvents().filter((e) => e.type === 'data');
    expect(got.reduce((n, e) => n + (e.type === 'data' ? e.data.length : 0), 0)).toBe(5000);
    c.write(new Uint8Array(5000).fill(2));
    const fromClient = c.takeOutput();
    expect(Math.max(...recordLengths(fromClient))).toBe(1024 + 1 + 16);
    s.receive(fromClient as Uint8Array);
    expect(s.takeEvents().some((e) => e.type === 'error')).toBe(false);
  });

  it('without the extension, records are full size (control)', () => {
    const { s } = connected({});
    s.write(new Uint8Array(20000).fill(1));
    expect(Math.max(...recordLengths(s.takeOutput()))).toBe(16384 + 1 + 16);
  });

  it('record_size_limit beside it wins (RFC 8449 §5): no max_fragment_length echo', () => {
    const { s } = connected({ maxFragmentLength: 1024, recordSizeLimit: 4000 }, { recordSizeLimit: 4000 });
    s.write(new Uint8Array(8000).fill(1));
    expect(Math.max(...recordLengths(s.takeOutput()))).toBe(3999 + 1 + 16);
  });

  it('a TLS 1.3 ClientHello with max_fragment_length code 5 is illegal_parameter', () => {
    // Checked while the ClientHello is read: the alert comes instead of a ServerHello.
    const bad = answerTo(clientHelloRecord({ extensions: new Map([[1, [5]]]) }));
    expect(bad.answer.handshakeTypes).toEqual([]);
    expect(bad.answer.alerts).toEqual([{ level: 'fatal', description: 'illegal_parameter' }]);
    expect(answerTo(clientHelloRecord({ extensions: new Map([[1, [2]]]) })).error).toBeUndefined();
  });
});
