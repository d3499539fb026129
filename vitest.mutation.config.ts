import { defineConfig } from 'vitest/config';

// The unit tests that exercise the code under mutation (stryker.config.mjs). The e2e tests run the
// built CLI in dist/, which Stryker does not mutate, so they could not kill a mutant anyway.
export default defineConfig({
  test: {
    include: ['test/ownership/**/*.test.ts', 'test/apply/write-gate.test.ts', 'test/plan/**/*.test.ts', 'test/property/planner-safety.property.test.ts'],
    testTimeout: 30_000,
  },
});
