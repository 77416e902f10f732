/**
 * What the node adapter hangs on each net.Socket (#17, memory per idle connection): one set of
 * listener functions shared by every socket instead of closures made per connection, and a
 * `closed` Promise made only when asked for, before or after the socket closed.
 */
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fromNodeSocket } from './node.js';

const open: net.Socket[] = [];
let server: net.Server | undefined;

afterEach(async () => {
  for (const socket of open.splice(0)) socket.destroy();
  await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
  server = undefined;
});

/** A connected client socket (the server side is kept in `open`, to be destroyed after the test). */
async function connected(): Promise<net.Socket> {
  if (server === undefined) {
    server = net.createServer((accepted) => open.push(accepted));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  }
  const { port } = server.address() as net.AddressInfo;
  const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  await new Promise((resolve) => socket.once('connect', resolve));
  open.push(socket);
  return socket;
}

/** The listeners the adapter added for `event` (node's own come first and are left out). */
function added(socket: net.Socket, event: string, before: Function[]): Function[] {
  return socket.listeners(event).filter((listener) => !before.includes(listener));
}

describe('fromNodeSocket', () => {
  it('listens with the same functions on every socket: no closure per connection', async () => {
    const events = ['data', 'end', 'error', 'close'];
    const sockets = [await connected(), await connected()];
    const mine = sockets.map((socket) => {
      const before = Object.fromEntries(events.map((event) => [event, socket.listeners(event)]));
      fromNodeSocket(socket);
      return Object.fromEntries(events.map((event) => [event, added(socket, event, before[event] ?? [])]));
    });
    for (const event of events) {
      expect(mine[0]?.[event]).toHaveLength(1);
      expect(mine[1]?.[event]).toHaveLength(1);
      // Identical functions: nothing per connection is captured in them.
      expect(mine[0]?.[event]?.[0]).toBe(mine[1]?.[event]?.[0]);
    }
  });

  it('still reads, ends and reports close through the shared listeners', async () => {
    const socket = await connected();
    const transport = fromNodeSocket(socket);
    const peer = open.find((s) => s !== socket && s.remotePort === socket.localPort) as net.Socket;
    peer.write('hello');
    expect(new TextDecoder().decode((await transport.read()) ?? new Uint8Array())).toBe('hello');
    expect(transport.stats.bytesRead).toBe(5);
    peer.end();
    expect(await transport.read()).toBeNull();
    // `closed` asked for before the socket closes: resolves when it does.
    const closed = transport.closed;
    transport.destroy();
    await expect(closed).resolves.toBeUndefined();
    // ... and asked for after: already resolved, the same Promise each time.
    expect(transport.closed).toBe(transport.closed);
    await expect(transport.closed).resolves.toBeUndefined();
  });

  it('fails a pending read with the socket error', async () => {
    const socket = await connected();
    const transport = fromNodeSocket(socket);
    const read = transport.read();
    socket.destroy(Object.assign(new Error('boom'), { code: 'ECONNRESET' }));
    await expect(read).rejects.toMatchObject({ code: 'ECONNRESET' });
    await transport.closed;
  });
});
