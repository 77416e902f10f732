import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain-JS test module (also run by `npm run interop`), without declarations.
import * as scenario from '../test/cluster-scenario.mjs';
import { RedisSessionStore, redisTicketKeys, rotateTicketKeys } from './index.js';

interface RunningRedis {
  port: number;
  client: Redis;
  stop(): Promise<void>;
}
const { hasRedisServer, startRedis } = scenario as {
  hasRedisServer(): boolean;
  startRedis(): Promise<RunningRedis>;
};

describe.skipIf(!hasRedisServer())('RedisSessionStore and redisTicketKeys against redis-server', () => {
  let redis: RunningRedis;
  beforeAll(async () => {
    redis = await startRedis();
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
  });

  it('stores bytes under prefix + hex(id) with SET PX, reads them back, deletes them', async () => {
    const store = new RedisSessionStore(redis.client, { prefix: 'unit:' });
    const id = Uint8Array.of(0xab, 0xcd);
    const value = Uint8Array.of(1, 0x12, 0, 255);
    await store.set(id, value, 2);
    expect(await redis.client.getBuffer('unit:abcd')).toEqual(Buffer.from(value));
    const ttl = await redis.client.pttl('unit:abcd');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2000);
    expect(await store.get(id)).toEqual(value);
    await store.delete(id);
    expect(await store.get(id)).toBeUndefined();
    await store.delete(id);
  });

  it('a failing Redis rejects without onError, and degrades to a miss with it', async () => {
    const dead = new Redis(redis.port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
    });
    const strict = new RedisSessionStore(dead);
    await expect(strict.get(Uint8Array.of(1))).rejects.toThrow();
    const seen: string[] = [];
    const lenient = new RedisSessionStore(dead, { onError: (_error, operation) => seen.push(operation) });
    expect(await lenient.get(Uint8Array.of(1))).toBeUndefined();
    await lenient.set(Uint8Array.of(1), Uint8Array.of(1), 60);
    await lenient.delete(Uint8Array.of(1));
    expect(seen).toEqual(['get', 'set', 'delete']);
    dead.disconnect();
  });

  it('ticket keys: empty list rejects; rotation keeps [next, current, previous]; reads are cached for refreshMs', async () => {
    const key = 'unit:ticket-keys';
    const provider = redisTicketKeys(redis.client, { key, refreshMs: 60_000 });
    await expect(provider()).rejects.toThrow(/rotateTicketKeys/);
    await rotateTicketKeys(redis.client, { key });
    const [next, current] = (await redis.client.lrangeBuffer(key, 0, -1)).map((b) => new Uint8Array(b));
    const first = await provider();
    expect(first.current).toEqual(current);
    expect(first.accepted).toEqual([next]);
    await rotateTicketKeys(redis.client, { key });
    await rotateTicketKeys(redis.client, { key });
    expect(await redis.client.llen(key)).toBe(3);
    // Within refreshMs the answer is the cached one, synchronously.
    expect(provider()).toBe(first);
    const fresh = await redisTicketKeys(redis.client, { key, refreshMs: 0 })();
    expect(fresh.accepted).toHaveLength(2);
    expect(fresh.current).not.toEqual(current);
    await expect(rotateTicketKeys(redis.client, { key, keep: 1 })).rejects.toThrow(RangeError);
  });
});
