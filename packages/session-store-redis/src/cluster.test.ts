import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain-JS test module (also run by `npm run interop`), without declarations.
import * as scenario from '../test/cluster-scenario.mjs';

interface Redis {
  port: number;
  stop(): Promise<void>;
}
interface Fleet {
  stop(): Promise<void>;
}
const { hasRedisServer, MODES, REDIS_SERVER, runClusterScenario, startFleet, startRedis } = scenario as {
  hasRedisServer(): boolean;
  MODES: string[];
  REDIS_SERVER: string;
  runClusterScenario(mode: string, fleet: Fleet): Promise<string>;
  startFleet(redis: Redis): Promise<Fleet>;
  startRedis(): Promise<Redis>;
};

// `npm run interop` runs the same scenario and fails without redis-server; here it is skipped, loudly.
const present = hasRedisServer();
if (!present) {
  console.warn(
    `SKIPPED node:cluster + Redis resumption tests: ${REDIS_SERVER} is not installed (apt-get install redis-server)`,
  );
}

describe.skipIf(!present)(
  'node:cluster workers sharing Redis resume each other (each connection on the other worker)',
  () => {
    let redis: Redis | undefined;
    let fleet: Fleet | undefined;
    beforeAll(async () => {
      redis = await startRedis();
      fleet = await startFleet(redis);
    }, 60_000);
    afterAll(async () => {
      await fleet?.stop();
      await redis?.stop();
    });

    it.each(MODES)(
      '%s',
      async (mode) => {
        const summary = await runClusterScenario(mode, fleet as Fleet);
        // The scenario throws on the first broken expectation; the summary shows what it saw.
        expect(summary).toMatch(/workers (1,2,1,2,1,2|2,1,2,1,2,1), resumed nyyyyy/);
      },
      60_000,
    );
  },
);
