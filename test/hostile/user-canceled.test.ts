// A user_canceled alert and a ClientHello in one TCP segment (reviewer finding, issue #21): the
// server used to send its whole flight, then close without a word. RFC 8446 §6.1: user_canceled
// abandons the handshake, so what follows it is not processed; having sent no error alert, we
// close our side with close_notify. (OpenSSL 3.0 answers unexpected_message instead: it treats any
// alert before the ServerHello as out of place; both stop before a flight.)
import * as net from 'node:net';
import * as tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { ContentType } from '../support/hostile.js';
import { Cleanup, collect, ourServer, rawConnect, record, records } from '../support/peers.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

/** The first bytes node:tls sends: one real ClientHello record. */
async function realClientHello(): Promise<Buffer> {
  return new Promise((resolve) => {
    const sink = net.createServer((socket) =>
      socket.once('data', (data: Buffer) => {
        resolve(data);
        socket.destroy();
        sink.close();
      }),
    );
    sink.listen(0, '127.0.0.1', () => {
      const port = (sink.address() as net.AddressInfo).port;
      tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false }).on('error', () => undefined);
    });
  });
}

describe('user_canceled and a ClientHello in one segment', () => {
  it('user_canceled first: no flight, close_notify, and accept() reports the cancel', async () => {
    const hello = await realClientHello();
    const server = await ourServer(cleanup);
    const accepted = server.accept().catch((error: unknown) => error);
    const raw = await rawConnect(server.address.port, cleanup);
    const received = collect(raw);
    raw.write(Buffer.concat([record(ContentType.alert, Uint8Array.of(1, 90)), hello]));
    expect(await accepted).toMatchObject({ name: 'TlsAlert', description: 'user_canceled', sentByUs: false });
    const reply = records(await received);
    expect(reply.map((r) => [r.type, ...r.fragment])).toEqual([[ContentType.alert, 1, 0]]);
  });

  it('the same ClientHello alone still gets its flight (the probe is a valid hello)', async () => {
    const hello = await realClientHello();
    const server = await ourServer(cleanup);
    server.accept().catch(() => undefined);
    const raw = await rawConnect(server.address.port, cleanup);
    const chunks: Buffer[] = [];
    raw.on('data', (chunk: Buffer) => chunks.push(chunk));
    raw.write(hello);
    await new Promise<void>((resolve) => raw.once('data', () => resolve()));
    expect(records(new Uint8Array(Buffer.concat(chunks)))[0]?.type).toBe(ContentType.handshake);
  });
});
