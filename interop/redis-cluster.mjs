// `npm run interop` cases for resumption across processes: a node:cluster server (2 workers) sharing
// a real redis-server, for TLS 1.3 stateless tickets (ticket keys rotated in Redis), TLS 1.3
// stateful tickets and TLS 1.2 session ids (see packages/session-store-redis/test). Unlike
// `npm test`, a missing redis-server fails these cases: they are never skipped here.
import {
  hasRedisServer,
  MODES,
  REDIS_SERVER,
  runClusterScenario,
  startFleet,
  startRedis,
} from '../packages/session-store-redis/test/cluster-scenario.mjs';

export function redisClusterCases() {
  return MODES.map((mode) => ({
    name: `redis node:cluster ${mode}`,
    async run() {
      if (!hasRedisServer()) throw new Error(`${REDIS_SERVER} is not installed (Debian package redis-server)`);
      const redis = await startRedis();
      try {
        const fleet = await startFleet(redis);
        try {
          console.log(`     ${await runClusterScenario(mode, fleet)}`);
        } finally {
          await fleet.stop();
        }
      } finally {
        await redis.stop();
      }
    },
  }));
}
