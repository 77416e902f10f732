// Half-close: a peer that ends its direction (close_notify + FIN, or a bare FIN) and keeps reading
// must get every byte the application still writes (RFC 8446 §6.1: close_notify closes only the
// sender's direction). A send() whose bytes never reached the transport must reject.

import type { SslSocket } from 'sslsocket';
import { afterEach, describe, expect, it } from 'vitest';
import { Cleanup, ourClient, ourServer, settlesWithin, sleep } from '../support/peers.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

type Version = 'tlsv1.3' | 'tlsv1.2';

/** A slow echo: each chunk is sent back 1–5 ms after it arrives, then the server closes. */
async function slowEcho(socket: SslSocket): Promise<number> {
  let echoed = 0;
  for await (const chunk of socket) {
    await sleep(1 + (chunk.length % 5));
    await socket.send(chunk);
    echoed += chunk.length;
  }
  await socket.close({ timeoutMs: 1000 });
  return echoed;
}

function pattern(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 7 + (i >> 8)) & 0xff;
  return bytes;
}

/** Reads until the peer closes; returns everything received. */
async function readAll(socket: SslSocket): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of socket) chunks.push(chunk);
  return new Uint8Array(Buffer.concat(chunks));
}

describe('half-close keeps the other direction open', () => {
  for (const version of ['tlsv1.3', 'tlsv1.2'] as Version[]) {
    for (const how of ['close_notify + FIN', 'bare FIN'] as const) {
      it(`${version}, ${how}: a slow echo still returns all 65,536 bytes`, async () => {
        const server = await ourServer(cleanup, { versions: [version] });
        const accepted = server.accept();
        const client = await ourClient(server.address.port, { versions: [version] });
        const socket = await accepted;
        const echo = slowEcho(socket);
        const sent = pattern(65_536);
        for (let offset = 0; offset < sent.length; offset += 4096)
          await client.send(sent.subarray(offset, offset + 4096));
        if (how === 'close_notify + FIN') await client.shutdown('write');
        else await client.transport.closeWrite();
        const received = await readAll(client);
        expect(await echo).toBe(65_536);
        expect(received.length).toBe(65_536);
        expect(Buffer.from(received).equals(Buffer.from(sent))).toBe(true);
        await client.close({ timeoutMs: 500 });
      });
    }
  }

  it('a send() whose bytes could not be handed to the transport rejects', async () => {
    const server = await ourServer(cleanup);
    const accepted = server.accept();
    const client = await ourClient(server.address.port);
    const socket = await accepted;
    // The peer vanishes: the transport refuses further writes.
    client.transport.destroy();
    socket.transport.destroy();
    await sleep(20);
    const sending = socket.send(new Uint8Array(1000));
    expect(await settlesWithin(sending, 1000)).toBe(true);
    await expect(sending).rejects.toBeInstanceOf(Error);
  });
});
