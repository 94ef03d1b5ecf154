import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { publicEntries } from '../src/entries.js';
import { extractReport } from '../src/extract.js';

const packagesDir = fileURLToPath(new URL('../../../packages', import.meta.url));
const update = process.env['RAMPART_API_REPORTS'] === 'update';
const entries = publicEntries(packagesDir);

describe('the committed API reports describe every public entry point', () => {
  it('finds the entries from the packages’ exports maps', () => {
    const specifiers = entries.map((e) => e.specifier);
    expect(specifiers).toContain('@rampart/core');
    expect(specifiers).toContain('@rampart/auth/stages');
    expect(specifiers).toContain('@rampart/auth/internal');
    expect(specifiers.length).toBeGreaterThanOrEqual(12);
  });

  it.each(entries.map((e) => [e.specifier, e] as const))('%s', (_specifier, entry) => {
    const outcome = extractReport(entry, update);
    expect(outcome.errors).toEqual([]);
    // In update mode the report was just written; otherwise it must still describe the entry.
    expect(
      outcome.changed && !update,
      `${entry.specifier}: its public API changed. Review the change, then run \`pnpm api:update\` and commit ${outcome.report}`,
    ).toBe(false);
    expect(existsSync(`${entry.packageDir}/${outcome.report}`)).toBe(true);
  });

  it('@rampart/auth keeps the pipeline internals and the fast verification path off its main entry', () => {
    const main = readFileSync(`${packagesDir}/auth/api/auth.api.md`, 'utf8');
    for (const name of ['resolveStages', 'requirementsOf', 'verifyFast', 'verifyEntryFast', 'acceptVerified', 'fastPathOf']) {
      expect(main, name).not.toMatch(new RegExp(`\\b${name}\\b`));
    }
    expect(main).toMatch(/verify\(token: string, options\?: VerifyOptions\): Promise<VerifiedToken>/);
  });
});
