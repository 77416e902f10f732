import { nobleProvider } from '@sslsocket/suites';
import { describe, expect, it } from 'vitest';
import { ClientConnection, ServerConnection } from './connection.js';
import type { ConnectionEvent } from './events.js';
import { ExtensionType } from './messages/extensions.js';
import { baseClient, baseServer, connect, pump, serverId } from './test/pair.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('engine options', () => {
  it("handshake: 'hello' pauses the server at the ClientHello until continue()", async () => {
    const client = new ClientConnection(baseClient({ alpn: ['h2'] }));
    const server = new ServerConnection({ provider: nobleProvider, handshake: 'hello' });
    const seen: ConnectionEvent[] = [];
    server.on((e) => {
      seen.push(e);
      // Choose the certificate (and ALPN) after looking at the hello.
      if (e.type === 'hello') {
        expect(e.message).toBe('ClientHello');
        expect(e.extensions.has(ExtensionType.server_name)).toBe(true);
        queueMicrotask(() =>
          server.continue({ certificateChain: [serverId.cert], privateKey: serverId.key, alpn: ['h2'] }),
        );
      }
    });
    client.start();
    const waiting = server.receive(client.takeOutput() as Uint8Array);
    expect(server.takeOutput()).toBeNull();
    await waiting;
    pump(client, server);
    expect(client.handshakeComplete && server.handshakeComplete).toBe(true);
    expect(seen.map((e) => e.type)).toContain('hello');
  });

  it('cancel() at the hello pause sends user_canceled then close_notify', async () => {
    const client = new ClientConnection(baseClient({ handshake: 'hello' }));
    const server = new ServerConnection(baseServer());
    client.on((e) => {
      if (e.type === 'hello') queueMicrotask(() => client.cancel());
    });
    client.start();
    server.receive(client.takeOutput() as Uint8Array);
    await client.receive(server.takeOutput() as Uint8Array);
    expect(client.error?.description).toBe('user_canceled');
    const out = client.takeOutput() as Uint8Array;
    // user_canceled (warning) then close_notify, both plaintext: 21 03 03 00 02 01 5a, 21 03 03 00 02 01 00
    expect([...out.subarray(out.length - 14)]).toEqual([21, 3, 3, 0, 2, 1, 90, 21, 3, 3, 0, 2, 1, 0]);
  });

  it('external PSK (psk_ke) through userLookupFun', () => {
    const key = new Uint8Array(32).fill(3);
    const { client, server } = connect(
      { externalPsk: { identity: text('alice'), key }, pskModes: ['psk_ke'] },
      { userLookupFun: (id) => (new TextDecoder().decode(id) === 'alice' ? key : undefined) },
    );
    const done = server.takeEvents().find((e) => e.type === 'handshakeComplete');
    expect(done?.type === 'handshakeComplete' && done.parameters.resumed).toBe(true);
    expect(client.handshakeComplete).toBe(true);
  });

  it('keylog lines in SSLKEYLOGFILE format', () => {
    const lines: string[] = [];
    connect({ keylog: (l) => lines.push(l) });
    expect(lines.map((l) => l.split(' ')[0])).toEqual([
      'CLIENT_HANDSHAKE_TRAFFIC_SECRET',
      'SERVER_HANDSHAKE_TRAFFIC_SECRET',
      'CLIENT_TRAFFIC_SECRET_0',
      'SERVER_TRAFFIC_SECRET_0',
      'EXPORTER_SECRET',
    ]);
    for (const l of lines) expect(l).toMatch(/^[A-Z_0-9]+ [0-9a-f]{64} [0-9a-f]{64}$/);
  });

  it('OCSP staple passthrough and record_size_limit', () => {
    let staple: Uint8Array | undefined;
    const { client, server } = connect(
      {
        ocspStapling: true,
        recordSizeLimit: 1000,
        verifyCertificate: (_chain, ctx) => {
          staple = ctx.ocspResponse;
          return { kind: 'ed25519', key: (serverId.key as { key: Uint8Array }).key };
        },
      },
      { ocspResponse: text('ocsp-response'), recordSizeLimit: 2000 },
    );
    expect(new TextDecoder().decode(staple)).toBe('ocsp-response');
    server.write(new Uint8Array(2500));
    const out = server.takeOutput() as Uint8Array;
    // The client's limit of 1000 (999 bytes of content + type) splits the data into 3 records.
    expect((out[3] as number) * 256 + (out[4] as number)).toBe(999 + 1 + 16);
    client.receive(out);
    expect(client.error).toBeUndefined();
  });

  it('max handshake size is enforced', () => {
    const { client } = connect({ maxHandshakeSize: 100 });
    // RFC 8446 §6.2: the message's length field is at fault, not a record (as OpenSSL).
    expect(client.error?.description).toBe('illegal_parameter');
  });
});
