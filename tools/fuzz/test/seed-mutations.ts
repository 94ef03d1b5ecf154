/**
 * Inputs for running the fuzz targets without a fuzzer: each committed seed, and `count` variations of the seeds
 * made by a small deterministic mutator (byte flips, insertions, deletions, splices), the same on every run.
 */
export function* seedVariations(seeds: readonly Buffer[], count: number, seed = 1): Generator<Buffer> {
  yield* seeds;
  let state = seed >>> 0;
  const next = (below: number) => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return below <= 0 ? 0 : state % below;
  };
  for (let i = 0; i < count; i++) {
    let input = Buffer.from(seeds[next(seeds.length)] ?? Buffer.alloc(0));
    for (let m = 0, n = 1 + next(4); m < n; m++) {
      const at = next(input.length + 1);
      switch (next(4)) {
        case 0:
          if (at < input.length) input[at] = (input[at] as number) ^ (1 << next(8));
          break;
        case 1:
          input = Buffer.concat([input.subarray(0, at), Buffer.from([next(256)]), input.subarray(at)]);
          break;
        case 2:
          input = Buffer.concat([input.subarray(0, at), input.subarray(at + 1 + next(8))]);
          break;
        default: {
          const other = seeds[next(seeds.length)] ?? Buffer.alloc(0);
          input = Buffer.concat([input.subarray(0, at), other.subarray(next(other.length + 1))]);
        }
      }
    }
    yield input;
  }
}
