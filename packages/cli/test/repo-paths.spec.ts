import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers.js';

/** Every tracked text file of the repository (binary files, with a NUL byte, are skipped). */
function trackedTextFiles(): { path: string; text: string }[] {
  const paths = execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  return paths.flatMap((path) => {
    let text: string;
    try {
      text = readFileSync(join(REPO_ROOT, path), 'utf8');
    } catch {
      return []; // deleted in the working tree
    }
    return text.includes('\0') ? [] : [{ path, text }];
  });
}

// The repository must not name a machine path: generated files, docs and examples that carry the checkout's own
// location (or the user's home) break on every other machine and leak where someone works.
describe('the repository', () => {
  it('names neither its own checkout path nor the home directory in any tracked file', () => {
    const root = REPO_ROOT.replace(/\/+$/, '');
    const home = homedir().replace(/\/+$/, '');
    const needles = [`${root}/`, ...(home.split('/').length > 2 || home === '/root' ? [`${home}/`] : [])];
    const files = trackedTextFiles();
    expect(files.length).toBeGreaterThan(100);
    const offenders = files.flatMap(({ path, text }) =>
      needles.filter((needle) => text.includes(needle)).map((needle) => `${path} names ${needle}`),
    );
    expect(offenders).toEqual([]);
  });
});
