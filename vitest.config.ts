import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // 2-core CI machines: keep worker count bounded so e2e tests that start emulators do not starve.
    maxWorkers: 2,
  },
});
