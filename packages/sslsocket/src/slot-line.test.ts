// serve()'s handshake slots: FIFO past the limit, and a full line drops the connection that has
// waited longest (its transport closed) rather than refusing the newcomer.
import { memoryPair, type Transport } from '@sslsocket/transport';
import { describe, expect, it } from 'vitest';
import { TimeoutError } from './errors.js';
import { SlotLine } from './slot-line.js';

const transport = (): Transport => memoryPair()[0];

describe('SlotLine', () => {
  it('runs `limit` at once, then hands freed slots out in arrival order', async () => {
    const slots = new SlotLine(2, 10);
    const order: number[] = [];
    await slots.take(transport());
    await slots.take(transport());
    const waiting = [3, 4].map((n) => slots.take(transport()).then(() => order.push(n)));
    expect(slots.running).toBe(2);
    slots.release();
    await waiting[0];
    slots.release();
    await waiting[1];
    expect(order).toEqual([3, 4]);
    slots.release();
    slots.release();
    expect(slots.running).toBe(0);
  });

  it('a full line drops the longest waiting connection, closing its transport', async () => {
    const slots = new SlotLine(1, 2);
    await slots.take(transport());
    const first = transport();
    const dropped = slots.take(first).catch((error: unknown) => error);
    const kept = [slots.take(transport()), slots.take(transport())];
    const error = await dropped;
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/longest waiting of 2/);
    await first.closed;
    slots.release();
    await kept[0];
    slots.release();
    await kept[1];
  });
});
