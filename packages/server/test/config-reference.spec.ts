import { describeConfig } from '@rampart/config';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { serverConfigSchema } from '../src/index.js';

describe('docs/reference/configuration.md', () => {
  it('documents every server setting exactly as the schema declares it', () => {
    const doc = readFileSync(new URL('../../../docs/reference/configuration.md', import.meta.url), 'utf8');
    expect(doc).toContain(describeConfig([serverConfigSchema]).trim());
  });
});
