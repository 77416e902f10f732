// `try { ... } finally { await socket.close() }` must settle on every failed connection, with and
// without timeoutMs, and a failed connection must leave nothing reachable behind.
import { afterEach, describe, expect, it } from 'vitest';
import { Cleanup, collectGarbage, ourClient, ourServer, record, settlesWithin, sleep } from '../support/peers.js';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

type Version = 'tlsv1.3' | 'tlsv1.2';
const versions: Version[] = ['tlsv1.3', 'tlsv1.2'];

/** A connected pair over TCP; the client's transport is ours to inject bytes or faults into. */
async function pair(version: Version) {
  const server = await ourServer(cleanup, { versions: [version] });
  const accepted = server.accept();
  const client = await ourClient(server.address.port, { versions: [version] });
  return { client, socket: await accepted };
}

describe('close() after a failed connection', () => {
  for (const version of versions) {
    for (const timeoutMs of [undefined, 200]) {
      it(`${version}: settles after a TLS-level failure (post-handshake ChangeCipherSpec), timeoutMs ${timeoutMs}`, async () => {
        const { client, socket } = await pair(version);
        client.transport.write(record(20, new Uint8Array([1])));
        await expect(socket.recv(0, 2000)).rejects.toMatchObject({ name: 'TlsAlert' });
        // The application's cleanup runs a little later than the failure, as a finally block would.
        await sleep(50);
        const options = timeoutMs === undefined ? {} : { timeoutMs };
        expect(await settlesWithin(socket.close(options), 1000)).toBe(true);
        expect(await settlesWithin(client.close(options), 1000)).toBe(true);
      });
    }

    it(`${version}: settles after an injected transport error on either side`, async () => {
      const { client, socket } = await pair(version);
      socket.transport.destroy(new Error('injected fault'));
      await expect(socket.recv(0, 2000)).rejects.toBeInstanceOf(Error);
      await sleep(20);
      expect(await settlesWithin(socket.close(), 1000)).toBe(true);
      expect(await settlesWithin(socket.close({ timeoutMs: 100 }), 1000)).toBe(true);
      await expect(client.recv(0, 2000)).rejects.toBeInstanceOf(Error);
      await sleep(20);
      expect(await settlesWithin(client.close(), 1000)).toBe(true);
    });
  }

  it('leaves failed connections collectable once closed', async () => {
    const server = await ourServer(cleanup);
    // One failed connection, closed; only weak references leave this function.
    const failOne = async (version: Version): Promise<WeakRef<object>[]> => {
      const accepted = server.accept();
      const client = await ourClient(server.address.port, { versions: [version] });
      const socket = await accepted;
      client.transport.write(record(20, new Uint8Array([1])));
      await socket.recv(0, 2000).catch(() => undefined);
      await sleep(10);
      await socket.close({ timeoutMs: 200 });
      await client.close({ timeoutMs: 200 });
      return [new WeakRef(socket), new WeakRef(client)];
    };
    const refs: WeakRef<object>[] = [];
    for (let i = 0; i < 20; i++) refs.push(...(await failOne(versions[i % 2] as Version)));
    await sleep(50);
    await collectGarbage();
    expect(refs.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
  });
});
