// StrykerJS mutation testing (npm run mutate). Not run in CI: on 2 cores it takes tens of minutes.
// Scope: the symbolic engine and the expression tree, against the property suites.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  // The engine's core: the rule table, differentiation, regimes, derivation and conditions (9)/(10).
  // primitives.ts is a module-level table: all its mutants are static (each reruns every test), which
  // on 2 cores does not finish in an afternoon; its derivative entries are covered by the rule-table
  // property and the deliberate breakage (c) in docs/quality.md.
  mutate: ['src/symbolic/diff.ts', 'src/symbolic/regimes.ts', 'src/symbolic/derive.ts', 'src/symbolic/conditions.ts'],
  ignoreStatic: true,
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 60_000,
  reporters: ['clear-text', 'progress-append-only', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: '.stryker-tmp',
};
