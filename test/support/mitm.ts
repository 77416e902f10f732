// A man in the middle on 127.0.0.1: forwards TCP both ways between a client and `target`, cutting
// each direction into TLS records and letting a test rewrite them (plaintext handshake records can
// be edited in place; protected ones only corrupted).
import * as net from 'node:net';
import type { Cleanup } from './peers.js';

export type RecordEdit = (record: Uint8Array, index: number) => Uint8Array;

/** Splits a byte stream into records as they complete, handing each to `edit`. */
class RecordCutter {
  private buffer = Buffer.alloc(0);
  private index = 0;
  constructor(private readonly edit: RecordEdit) {}

  push(chunk: Buffer): Buffer[] {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    const out: Buffer[] = [];
    while (this.buffer.length >= 5) {
      const length = this.buffer.readUInt16BE(3);
      if (this.buffer.length < 5 + length) break;
      const record = new Uint8Array(this.buffer.subarray(0, 5 + length));
      this.buffer = this.buffer.subarray(5 + length);
      out.push(Buffer.from(this.edit(record.slice(), this.index++)));
    }
    return out;
  }
}

/** Starts a proxy to `target`; returns its port. `toServer` / `toClient` rewrite records. */
export async function mitm(
  cleanup: Cleanup,
  target: number,
  edits: { toServer?: RecordEdit; toClient?: RecordEdit },
): Promise<number> {
  const sockets = new Set<net.Socket>();
  const proxy = net.createServer((client) => {
    const server = net.connect(target, '127.0.0.1');
    sockets.add(client).add(server);
    const up = new RecordCutter(edits.toServer ?? ((r) => r));
    const down = new RecordCutter(edits.toClient ?? ((r) => r));
    client.on('data', (chunk: Buffer) => {
      for (const r of up.push(chunk)) server.write(r);
    });
    server.on('data', (chunk: Buffer) => {
      for (const r of down.push(chunk)) client.write(r);
    });
    for (const [a, b] of [
      [client, server],
      [server, client],
    ] as const) {
      a.on('error', () => b.destroy());
      a.on('end', () => b.end());
      a.on('close', () => b.destroy());
    }
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  cleanup.add(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        proxy.close(() => resolve());
      }),
  );
  return (proxy.address() as net.AddressInfo).port;
}

/** Offset of extension `type` inside a hello record (record header included), or -1. */
export function extensionOffset(record: Uint8Array, type: number): number {
  const isClient = record[5] === 1;
  let at = 5 + 4 + 2 + 32;
  at += 1 + (record[at] as number); // session id
  if (isClient) {
    at += 2 + (((record[at] as number) << 8) | (record[at + 1] as number)); // cipher suites
    at += 1 + (record[at] as number); // compression methods
  } else at += 3; // cipher suite, compression method
  const end = at + 2 + (((record[at] as number) << 8) | (record[at + 1] as number));
  at += 2;
  while (at + 4 <= end) {
    const code = ((record[at] as number) << 8) | (record[at + 1] as number);
    if (code === type) return at;
    at += 4 + (((record[at + 2] as number) << 8) | (record[at + 3] as number));
  }
  return -1;
}
