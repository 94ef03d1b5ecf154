import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Generated sources (src/generated) are git-ignored: on a clean checkout they exist only once each package's
// `generate` task ran. The import rules read every src/ folder, so `lint` here must wait for each of those tasks;
// otherwise CI sees the imports of generated files as unresolvable (it did: 12 violations, exit 12).

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The workspace packages whose generate script writes under src/, as turbo task ids (`name#generate`). */
async function generatorsIntoSrc(): Promise<string[]> {
  const ids: string[] = [];
  for (const group of ['packages', 'apps', 'tools']) {
    for (const entry of await readdir(join(root, group), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const manifest = await readFile(join(root, group, entry.name, 'package.json'), 'utf8').catch(() => undefined);
      if (manifest === undefined) continue;
      const { name, scripts } = JSON.parse(manifest) as { name: string; scripts?: Record<string, string> };
      if (/--out\s+src\//.test(scripts?.generate ?? '')) ids.push(`${name}#generate`);
    }
  }
  return ids.sort();
}

describe('the architecture lint task', () => {
  it('depends on every generate task that writes sources under src/', async () => {
    const turbo = JSON.parse(await readFile(join(root, 'tools/architecture/turbo.json'), 'utf8')) as {
      tasks: { lint: { dependsOn: string[] } };
    };
    const generators = await generatorsIntoSrc();
    expect(generators.length).toBeGreaterThan(0);
    expect(turbo.tasks.lint.dependsOn.filter((task) => task.endsWith('#generate')).sort()).toEqual(generators);
  });
});
