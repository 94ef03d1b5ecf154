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
    // Other workspace packages' built output loads as Node loads it in production, not through Vite's transform
    // (that is one worker-to-runner round trip per module, hundreds per file). Under a loaded CI machine one such
    // round trip once waited past Vitest's fixed 60 s RPC limit and failed a whole test file; this also cuts each
    // package's collect time by about half. A package's own `src` is still transformed (TypeScript, vi.mock).
    server: { deps: { external: [/\/packages\/[^/]+\/dist\//] } },
    reporters: ['default', ['json', { outputFile: '.vitest/results.json' }]],
  },
});
