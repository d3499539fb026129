// Mutation testing of the safety code (issue 20): the ownership rules, the write gate and the
// saved-plan re-check. `npm run mutation` prints the score; surviving mutants are killed by a test
// or explained in docs/mutation-testing.md. Stryker 9.x: its vitest runner runs on Node 20.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  mutate: ['src/ownership/**/*.ts', 'src/apply/write-gate.ts', 'src/plan/saved-plan-actions.ts', 'src/plan/kept-generation-warning.ts'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: '.stryker-tmp/mutation-report.json' },
  thresholds: { high: 90, low: 80, break: 80 },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
