// Floods of records that carry nothing are cut: past maxIdleRecords (default 32) in a row the
// server answers unexpected_message, and the alert reaches the flooder before the connection ends.
import { afterEach, describe, expect, it } from 'vitest';
import { ContentType, injectRecords } from '../support/hostile.js';
import { Cleanup, collect, ourClient, ourServer, rawConnect, record, records } from '../support/peers.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

type Version = 'tlsv1.3' | 'tlsv1.2';

async function pair(version: Version) {
  const server = await ourServer(cleanup, { versions: [version] });
  const accepted = server.accept();
  const client = await ourClient(server.address.port, { versions: [version] });
  const socket = await accepted;
  cleanup.add(async () => {
    await client.close({ timeoutMs: 100 });
    await socket.close({ timeoutMs: 100 });
  });
  return { client, socket };
}

const floods: [string, Version, number, Uint8Array][] = [
  ['empty application_data records', 'tlsv1.3', ContentType.applicationData, new Uint8Array(0)],
  ['empty application_data records', 'tlsv1.2', ContentType.applicationData, new Uint8Array(0)],
  ['user_canceled warnings', 'tlsv1.3', ContentType.alert, Uint8Array.of(1, 90)],
  ['warning alerts (no_renegotiation)', 'tlsv1.2', ContentType.alert, Uint8Array.of(1, 100)],
  ['user_canceled warnings', 'tlsv1.2', ContentType.alert, Uint8Array.of(1, 90)],
];

describe('record floods after the handshake', () => {
  for (const [what, version, type, data] of floods) {
    it(`${version}: 2,000 ${what} end the connection with unexpected_message`, async () => {
      const { client, socket } = await pair(version);
      injectRecords(client, type, data, 2000);
      const failure = await socket.recv(0, 5000).catch((error: unknown) => error);
      expect(failure).toMatchObject({ name: 'TlsAlert', description: 'unexpected_message' });
      // The flooder is told why: the alert arrives (it is flushed before the transport closes).
      const seen = await client.recv(0, 5000).catch((error: unknown) => error);
      expect(seen).toMatchObject({ name: 'TlsAlert', description: 'unexpected_message' });
    });
  }

  it('tlsv1.3: up to 32 idle records in a row are fine, and data resets the count', async () => {
    const { client, socket } = await pair('tlsv1.3');
    for (let round = 0; round < 5; round++) {
      injectRecords(client, ContentType.applicationData, new Uint8Array(0), 30);
      await client.send('x');
      expect(new TextDecoder().decode(await socket.recv(1, 2000))).toBe('x');
    }
  });
});

describe('record floods before the handshake', () => {
  it('2,000 ChangeCipherSpec records before a ClientHello are cut with an alert that arrives', async () => {
    const server = await ourServer(cleanup);
    const accepted = server.accept().catch((error: unknown) => error);
    const raw = await rawConnect(server.address.port, cleanup);
    const received = collect(raw);
    const ccs = record(ContentType.changeCipherSpec, Uint8Array.of(1));
    raw.write(Buffer.concat(Array.from({ length: 2000 }, () => ccs)));
    expect(await accepted).toMatchObject({ name: 'TlsAlert', description: 'unexpected_message' });
    const reply = records(await received);
    expect(reply[0]?.type).toBe(ContentType.alert);
    expect(Array.from(reply[0]?.fragment ?? [])).toEqual([2, 10]); // fatal unexpected_message
  });

  it('a user_canceled before a ClientHello cancels the handshake at once (nothing to flood)', async () => {
    const server = await ourServer(cleanup);
    const accepted = server.accept().catch((error: unknown) => error);
    const raw = await rawConnect(server.address.port, cleanup);
    const received = collect(raw);
    const warning = record(ContentType.alert, Uint8Array.of(1, 90));
    raw.write(Buffer.concat(Array.from({ length: 2000 }, () => warning)));
    // RFC 8446 §6.1: user_canceled says the handshake is being abandoned; the server stops there.
    expect(await accepted).toMatchObject({ name: 'TlsAlert', description: 'user_canceled' });
    await received;
  });

  it('a flooder that keeps sending still gets the alert before the connection ends', async () => {
    const server = await ourServer(cleanup);
    const accepted = server.accept().catch((error: unknown) => error);
    const raw = await rawConnect(server.address.port, cleanup);
    const received = collect(raw);
    const burst = Buffer.concat(
      Array.from({ length: 200 }, () => record(ContentType.changeCipherSpec, Uint8Array.of(1))),
    );
    // Unread bytes at close make TCP send a reset, which throws away our alert at the flooder.
    const timer = setInterval(() => {
      if (!raw.destroyed && raw.writable) raw.write(burst);
    }, 2);
    cleanup.add(() => clearInterval(timer));
    expect(await accepted).toMatchObject({ name: 'TlsAlert', description: 'unexpected_message' });
    const reply = records(await received);
    clearInterval(timer);
    expect(Array.from(reply[0]?.fragment ?? [])).toEqual([2, 10]);
  });
});
