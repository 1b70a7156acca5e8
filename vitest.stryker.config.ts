// The test set StrykerJS runs against each mutant: the property suites (not test/, which takes ~5 min
// on 2 cores). Random new losses were left out because the engine failed them when the recorded run
// started (docs/quality.md, "Engine bugs found"; fixed since) — drop MARGINLAB_SKIP_RANDOM_LOSSES to
// include them.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // + the example tests written against the surviving mutants (docs/quality.md, "Mutation testing").
    include: ['properties/**/*.test.ts', 'test/symbolic/conditions-branches.test.ts', 'test/symbolic/diff-rules.test.ts',
      'test/symbolic/regimes-cond.test.ts', 'test/symbolic/derive-regimes.test.ts'],
    exclude: ['properties/fuzz-cli.test.ts', 'node_modules/**', 'dist/**'],
    setupFiles: ['properties/setup.ts'],
    testTimeout: 120_000,
    env: { MARGINLAB_SKIP_RANDOM_LOSSES: '1' },
  },
});
