import type { SslSocket } from '../index.js';

/** Reads exactly `length` bytes through the socket's iterator. */
export async function receive(socket: SslSocket, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let filled = 0;
  for await (const chunk of socket) {
    out.set(chunk, filled);
    filled += chunk.length;
    if (filled === length) break;
  }
  return out;
}
