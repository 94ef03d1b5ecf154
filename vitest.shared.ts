import { defineConfig } from 'vitest/config';

/**
 * Settings every package's tests share. Each run also writes a JSON report to `.vitest/results.json`, which
 * `scripts/test-summary.mjs` adds up into one closing line for CI.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.spec.ts', 'src/**/*.spec.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: ['default', ['json', { outputFile: '.vitest/results.json' }]],
  },
});
