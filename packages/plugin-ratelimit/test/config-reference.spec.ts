import { describeConfig } from '@rampart/config';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rateLimitConfigSchema } from '../src/index.js';

describe('docs/reference/configuration.md', () => {
  it('documents every ratelimit.* setting exactly as the schema declares it (node scripts/config-reference.mjs)', () => {
    const doc = readFileSync(new URL('../../../docs/reference/configuration.md', import.meta.url), 'utf8');
    expect(doc).toContain(describeConfig([rateLimitConfigSchema]).trim());
  });
});
