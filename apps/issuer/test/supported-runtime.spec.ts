import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// The root scripts that start the sample issuer (pnpm demo, dev, rollout, chaos) run it through
// scripts/supported-node.sh: on Node 20 (end of life since April 2026) oidc-provider warns "Unsupported runtime" at
// import, so the script moves to Node 24 LTS; on 22 and later it keeps the Node it was given.
const run = promisify(execFile);
const issuerDir = fileURLToPath(new URL('..', import.meta.url));
const script = fileURLToPath(new URL('../../../scripts/supported-node.sh', import.meta.url));
const PROBE = "import('oidc-provider').then(() => console.log(process.versions.node))";

describe('scripts/supported-node.sh (how the project starts the sample issuer)', () => {
  it('loads oidc-provider on Node 22 or later, without its "Unsupported runtime" warning', async () => {
    const { stdout, stderr } = await run(script, ['node', '-e', PROBE], { cwd: issuerDir, timeout: 180_000 });
    const major = Number(stdout.trim().split('.')[0]);
    expect(major).toBeGreaterThanOrEqual(22);
    expect(stderr).not.toMatch(/Unsupported runtime/);
    if (Number(process.versions.node.split('.')[0]) >= 22) expect(stdout.trim()).toBe(process.versions.node);
  }, 200_000);

  it('the probe itself can see the warning: plain Node 20 prints it (so the check above can fail)', async () => {
    if (Number(process.versions.node.split('.')[0]) >= 22) {
      // On 22+ there is no warning to see; the Node 20 run of CI covers this half.
      const { stderr } = await run(process.execPath, ['-e', PROBE], { cwd: issuerDir });
      expect(stderr).not.toMatch(/Unsupported runtime/);
      return;
    }
    const { stderr } = await run(process.execPath, ['-e', PROBE], { cwd: issuerDir });
    expect(stderr).toMatch(/Unsupported runtime/);
  });
});
