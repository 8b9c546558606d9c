import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    // Each file gets its own worker; two at a time fits the 2-core CI machines.
    pool: 'forks',
    maxWorkers: 2,
  },
});
