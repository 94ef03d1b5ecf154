import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUZZ_PATHS } from '../src/run/fuzz-paths.js';
import { TARGETS } from '../src/run/target-list.js';
import { seedVariations } from './seed-mutations.js';

// The smoke run of every fuzz target in the unit suite (so in CI): its committed seeds and a few hundred variations
// of them, straight through `fuzz` (no fuzzer, no native addon). `pnpm fuzz` runs them coverage-guided.

const VARIATIONS = 150;
type Target = { fuzz: (data: Buffer) => unknown };
const MODULES: Record<string, () => Promise<Target>> = {
  bearer: () => import('../src/targets/bearer.js'),
  token: () => import('../src/targets/token.js'),
  'discovery-jwks': () => import('../src/targets/discovery-jwks.js'),
  'spiffe-id': () => import('../src/targets/spiffe-id.js'),
  'san-text': () => import('../src/targets/san-text.js'),
  'peer-certificate': () => import('../src/targets/peer-certificate.js'),
  'trust-bundle': () => import('../src/targets/trust-bundle.js'),
  config: () => import('../src/targets/config.js'),
  'grpc-frame': () => import('../src/targets/grpc-frame.js'),
};

describe.each(TARGETS.map((t) => [t.name, t] as const))('fuzz target %s', (name) => {
  it('holds its invariant on the seed corpus and variations of it', async () => {
    const dir = join(FUZZ_PATHS.corpus, name);
    const seeds = readdirSync(dir).map((file) => readFileSync(join(dir, file)));
    expect(seeds.length).toBeGreaterThan(3);
    const load = MODULES[name];
    if (load === undefined) throw new Error(`no module listed for target ${name}`);
    const target = await load();
    let runs = 0;
    for (const input of seedVariations(seeds, VARIATIONS)) {
      try {
        await target.fuzz(input);
      } catch (error) {
        throw new Error(`${name} broke on ${JSON.stringify(input.toString('latin1'))}: ${String(error)}`, { cause: error });
      }
      runs++;
    }
    expect(runs).toBe(seeds.length + VARIATIONS);
  });
});
