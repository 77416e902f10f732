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
  startRedis(extraArgs?: string[]): Promise<RunningRedis>;
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

  it('take: of two concurrent takes of one id exactly one gets the value (GETDEL), and the key is gone', async () => {
    const store = new RedisSessionStore(redis.client, { prefix: 'unit:' });
    for (let round = 0; round < 20; round++) {
      const id = Uint8Array.of(0x7a, round);
      await store.set(id, Uint8Array.of(round, 1, 2), 60);
      const answers = await Promise.all([store.take(id), store.take(id)]);
      expect(answers.filter((value) => value !== undefined)).toEqual([Uint8Array.of(round, 1, 2)]);
      expect(await redis.client.exists(store.key(id))).toBe(0);
    }
    expect(await store.take(Uint8Array.of(0x7a, 0xff))).toBeUndefined();
  });

  it('take on a server without GETDEL (Redis < 6.2) falls back to MULTI GET DEL EXEC, still exactly once', async () => {
    // `rename-command GETDEL ""` removes the command: the server answers "ERR unknown command", as
    // Redis 6.0 does.
    const old = await startRedis(['--rename-command', 'GETDEL', '']);
    try {
      await expect(old.client.getdelBuffer('unit:x')).rejects.toThrow(/unknown command/i);
      const store = new RedisSessionStore(old.client, { prefix: 'unit:' });
      for (let round = 0; round < 5; round++) {
        const id = Uint8Array.of(0x6b, round);
        await store.set(id, Uint8Array.of(round), 60);
        const answers = await Promise.all([store.take(id), store.take(id), store.take(id)]);
        expect(answers.filter((value) => value !== undefined)).toEqual([Uint8Array.of(round)]);
        expect(await old.client.exists(store.key(id))).toBe(0);
      }
      expect(await store.take(Uint8Array.of(0x6b, 0xff))).toBeUndefined();
    } finally {
      await old.stop();
    }
  }, 30_000);

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
    expect(await lenient.take(Uint8Array.of(1))).toBeUndefined();
    expect(seen).toEqual(['get', 'set', 'delete', 'take']);
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
