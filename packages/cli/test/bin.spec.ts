import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/rampart.js', import.meta.url));

describe('the rampart binary (bin/rampart.js → dist/main.js)', () => {
  it('runs, prints help and sets the exit code', () => {
    const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: rampart <command>');
    const usage = spawnSync(process.execPath, [BIN, 'certs', 'frob'], { encoding: 'utf8' });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('unknown certs action "frob"');
    const failure = spawnSync(process.execPath, [BIN, 'certs', 'show', 'does-not-exist.pem'], { encoding: 'utf8' });
    expect(failure.status).toBe(1);
  });
});
