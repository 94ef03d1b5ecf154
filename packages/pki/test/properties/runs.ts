import { readFileSync } from 'node:fs';

/**
 * How many inputs each property tries: a few hundred in the unit suite, as many as `RAMPART_FUZZ_RUNS` says under
 * `pnpm fuzz` (the same properties with a large budget).
 */
export const RUNS = Number(process.env.RAMPART_FUZZ_RUNS ?? 300);

/** A committed seed corpus (`corpus/<name>.json`): inputs that found problems or sit on an edge, tried in every run. */
export function seeds(name: string): string[] {
  return JSON.parse(readFileSync(new URL(`./corpus/${name}.json`, import.meta.url), 'utf8')) as string[];
}
