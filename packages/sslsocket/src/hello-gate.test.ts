// #21: the pre-hello gate drops the oldest *silent* connection when full, but a connection accepted
// in the same busy turn as the newcomer has not had a chance to be read yet: a burst of honest
// clients larger than maxPendingHellos must not lose any of them (found by the stress run, where
// 1,100 connections accepted in one turn lost 76 honest clients to the drop rule).
import { memoryPair, type Transport } from '@sslsocket/transport';
import { describe, expect, it } from 'vitest';
import { TimeoutError } from './errors.js';
import { HelloGate } from './hello-gate.js';

/** A turn of the event loop, poll phase included. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('HelloGate', () => {
  it('holds a burst larger than its limit when every peer has already sent its first bytes', async () => {
    const gate = new HelloGate(2, 10_000);
    const pairs = Array.from({ length: 8 }, () => memoryPair());
    // All eight peers wrote before the server side got to read any of them (one busy turn).
    for (const [client] of pairs) client.write(new Uint8Array([22, 3, 1, 0, 1]));
    const waits = pairs.map(([, server]) => gate.wait(server));
    const settled = await Promise.allSettled(waits);
    expect(settled.map((s) => s.status)).toEqual(Array(8).fill('fulfilled'));
    expect(gate.dropped).toBe(0);
    expect(gate.waiting).toBe(0);
  });

  it('drops the oldest connection that stayed silent through a whole turn, not a newer one', async () => {
    const gate = new HelloGate(2, 10_000);
    const servers: Transport[] = [];
    const outcomes: string[] = [];
    const enter = (): void => {
      const [, server] = memoryPair();
      const index = servers.push(server) - 1;
      gate.wait(server).then(
        () => outcomes.push(`${index} ready`),
        (error: unknown) => outcomes.push(`${index} ${error instanceof TimeoutError ? 'dropped' : 'failed'}`),
      );
    };
    enter();
    enter();
    enter(); // same turn: nobody has been readable yet, nobody is dropped
    await nextTurn();
    await nextTurn();
    expect(outcomes).toEqual([]);
    expect(gate.waiting).toBe(3);
    enter(); // the first three have been silent through a turn: the oldest goes
    await nextTurn();
    expect(outcomes).toEqual(['0 dropped']);
    expect(gate.dropped).toBe(1);
    expect(gate.waiting).toBe(3);
    for (const server of servers) server.destroy();
    await nextTurn();
  });
});
