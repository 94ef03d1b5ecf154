/** Axis helpers for the bench's hand-written SVG charts. */

/** Tick values for a linear axis from 0 to at least `max`: about `count` round steps (1, 2 or 5 × 10^k). */
export function linearTicks(max: number, count = 5): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let v = 0; v < max + step; v += step) {
    ticks.push(Number(v.toPrecision(12)));
    if (v >= max) break;
  }
  return ticks;
}

/** Tick values for a log axis covering [min, max]: 1, 2 and 5 × 10^k, from the one at or below min to the one at or above max. */
export function logTicks(min: number, max: number): number[] {
  const lo = Math.max(min, 1e-6);
  const hi = Math.max(max, lo);
  const ticks: number[] = [];
  for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
    for (const m of [1, 2, 5]) ticks.push(Number((m * 10 ** k).toPrecision(12)));
  }
  const first = ticks.filter((t) => t <= lo).at(-1) ?? ticks[0];
  const last = ticks.find((t) => t >= hi) ?? ticks.at(-1);
  return ticks.filter((t) => t >= (first as number) && t <= (last as number));
}

/** A tick label: thousands as `k`, small values with the decimals they need. */
export function tickLabel(value: number): string {
  if (value >= 1000) return `${Number((value / 1000).toPrecision(3))}k`;
  return String(Number(value.toPrecision(3)));
}
