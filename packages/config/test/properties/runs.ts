/**
 * How many inputs each property tries: a few hundred in the unit suite, as many as `RAMPART_FUZZ_RUNS` says under
 * `pnpm fuzz` (the same properties with a large budget).
 */
export const RUNS = Number(process.env.RAMPART_FUZZ_RUNS ?? 300);
