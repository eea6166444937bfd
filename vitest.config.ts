import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'apps/*/src/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
      'packages/*/src/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', 'apps/web/src/**', 'apps/web/dist/**'],
    globalSetup: ['test-support/global-setup.ts'],
    testTimeout: 30_000,
    // Browser and server journeys wait for live updates: poll up to 10 s, not 1 s.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
