import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

// `npm run test:stress`: the long load, flood and timing runs (short versions of each run in
// `npm test`). One file at a time: they measure memory, latency and timing.
const merged = mergeConfig(
  base,
  defineConfig({
    test: {
      testTimeout: 600_000,
      fileParallelism: false,
    },
  }),
);
// mergeConfig concatenates arrays, which would run the whole suite before the stress files:
// the stress run replaces the base `include` instead.
merged.test = { ...merged.test, include: ['test/stress/**/*.stress.ts'] };
export default merged;
