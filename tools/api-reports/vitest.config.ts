import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.js';

// api-extractor reads every entry's declarations with its own TypeScript: a few seconds per entry.
export default mergeConfig(shared, defineConfig({ test: { testTimeout: 120_000 } }));
