import { defineConfig } from 'vitest/config';

/**
 * The fuzz suite (`npm run test:fuzz`): property-based requests against every route and
 * mutated credentials. Size: XEM_FUZZ_SCALE (or XEM_CHAOS_SCALE=ci); replay: XEM_FUZZ_SEED.
 */
export default defineConfig({
  test: {
    include: ['apps/server/fuzz/**/*.fuzz.test.ts'],
    globalSetup: ['test-support/global-setup.ts'],
    testTimeout: 3_600_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
