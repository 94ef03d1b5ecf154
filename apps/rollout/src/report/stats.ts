/**
 * The p-th percentile (0 < p <= 100) of `values` by the nearest-rank method: the smallest value such that at least
 * p % of the values are at or below it. NaN for no values.
 *
 * @example
 * ```ts
 * percentile([1, 2, 3, 4], 50); // 2
 * percentile([1, 2, 3, 4], 99); // 4
 * ```
 */
export function percentile(values: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile ${p} is not in (0, 100]`);
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[rank - 1] as number;
}

/** Counts of `times` (epoch ms) per whole second from `start`, for `seconds` buckets; times outside are dropped. */
export function perSecond(times: readonly number[], start: number, seconds: number): number[] {
  const buckets = new Array<number>(seconds).fill(0);
  for (const t of times) {
    const i = Math.floor((t - start) / 1_000);
    if (i >= 0 && i < seconds) buckets[i] = (buckets[i] ?? 0) + 1;
  }
  return buckets;
}
