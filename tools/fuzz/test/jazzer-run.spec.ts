import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FUZZ_PATHS } from '../src/run/fuzz-paths.js';

// The real thing, briefly: `pnpm fuzz`'s runner starts Jazzer.js (its libFuzzer addon, patched for this glibc when
// needed) on two targets, one synchronous and one asynchronous, for a few hundred inputs each.
describe('pnpm fuzz with a few hundred runs', () => {
  it('runs Jazzer.js on a sync and an async target and reports executions and no crash', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(FUZZ_PATHS.dist, 'main.js'), '--runs', '300', 'spiffe-id', 'bearer', 'token'], {
      cwd: FUZZ_PATHS.root,
      timeout: 120_000,
    });
    const rows = stdout.split('\n').filter((l) => /^(spiffe-id|bearer|token)\s/.test(l));
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row).toMatch(/no crash$/);
      const executions = Number(row.split(/\s+/)[2]);
      expect(executions).toBeGreaterThanOrEqual(300);
    }
    expect(stdout).toMatch(/no crash found/);
  }, 150_000);
});
