import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

// `npm run test:stress`: the long load, flood and timing runs (short versions of each run in
// `npm test`). One file at a time: they measure memory, latency and timing.
export default mergeConfig(
  base,
  defineConfig({
    test: {
      include: ['test/stress/**/*.stress.ts'],
      testTimeout: 600_000,
      fileParallelism: false,
    },
  }),
);
