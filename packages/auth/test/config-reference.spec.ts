import { describeConfig } from '@rampart/config';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { authPipelineConfigSchema, tokenConfigSchema } from '../src/index.js';

describe('docs/reference/configuration.md', () => {
  it('documents every auth setting exactly as the schemas declare it', () => {
    const doc = readFileSync(new URL('../../../docs/reference/configuration.md', import.meta.url), 'utf8');
    expect(doc).toContain(describeConfig([authPipelineConfigSchema, tokenConfigSchema]).trim());
  });
});
