import { median, round } from '../stats.js';
import type { RoundResult } from '../result-types.js';
import type { Settings } from '../scenarios.js';

/** Calls in flight the latency curve measures at (issue 23, item 6). */
export const CURVE_LEVELS: readonly number[] = [1, 8, 32, 128, 512];

/** The curve's two servers: bare grpc-js over mTLS, and Rampart with full auth and a warm token. */
export const CURVE_SERIES = ['grpc-mtls', 'rampart-auth-warm'] as const;
export type CurveSeries = (typeof CURVE_SERIES)[number];

export const CURVE_LABELS: Readonly<Record<CurveSeries, string>> = {
  'grpc-mtls': 'bare grpc-js mTLS',
  'rampart-auth-warm': 'Rampart full auth (warm)',
};

/** One point of a curve: the medians over rounds at one number of calls in flight. */
export interface CurvePoint {
  readonly concurrency: number;
  readonly rps: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly cpu_us_per_req: number;
  readonly gc_max_pause_ms: number;
  readonly errors: number;
  readonly rounds: number;
}

export interface CurveResults {
  readonly version: 1;
  readonly kind: 'curve';
  readonly mode: Settings['mode'];
  readonly started_at: string;
  readonly duration_s: number;
  readonly node: string;
  readonly pinned: boolean;
  readonly settings: Settings;
  readonly levels: readonly number[];
  readonly series: Readonly<Record<CurveSeries, readonly CurvePoint[]>>;
}

/** A point from one level's rounds (already reduced to {@link RoundResult}s). */
export function curvePoint(concurrency: number, rounds: readonly RoundResult[]): CurvePoint {
  const med = (key: 'rps' | 'p50_ms' | 'p99_ms' | 'cpu_us_per_req' | 'gc_max_pause_ms', digits: number): number =>
    round(median(rounds.map((r) => r[key])), digits);
  return {
    concurrency,
    rps: med('rps', 1),
    p50_ms: med('p50_ms', 3),
    p99_ms: med('p99_ms', 3),
    cpu_us_per_req: med('cpu_us_per_req', 2),
    gc_max_pause_ms: med('gc_max_pause_ms', 1),
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    rounds: rounds.length,
  };
}

const fmt = (n: number, digits: number): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a';

/** The curve as Markdown: one row per level, both servers side by side, and Rampart's ratios. */
export function renderCurveMarkdown(c: CurveResults): string {
  const s = c.settings;
  const lines = [
    `## Rampart benchmark: latency curve (${c.mode} run), ${c.started_at.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Unary calls over ${s.connections} HTTP/2 connections, closed loop at each number of calls in flight; ${s.rounds} rounds alternating the two servers, ` +
      `${s.warmupMs / 1000} s warm-up and ${s.measureMs / 1000} s measured per point and round; medians over rounds. ` +
      `Node ${c.node}, ${c.pinned ? 'server pinned to core 0 and load to core 1' : 'not pinned'}.`,
    '',
    '| in flight | bare req/s | bare p50 ms | bare p99 ms | Rampart req/s | Rampart p50 ms | Rampart p99 ms | req/s ratio | p99 ratio | errors |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  const bare = c.series['grpc-mtls'];
  const rampart = c.series['rampart-auth-warm'];
  for (const level of c.levels) {
    const b = bare.find((p) => p.concurrency === level);
    const r = rampart.find((p) => p.concurrency === level);
    if (!b || !r) continue;
    lines.push(
      `| ${level} | ${fmt(b.rps, 0)} | ${fmt(b.p50_ms, 2)} | ${fmt(b.p99_ms, 2)} | ${fmt(r.rps, 0)} | ${fmt(r.p50_ms, 2)} | ${fmt(r.p99_ms, 2)} | ` +
        `${fmt(r.rps / b.rps, 2)}× | ${fmt(r.p99_ms / b.p99_ms, 2)}× | ${b.errors + r.errors} |`,
    );
  }
  lines.push('', 'Ratios: Rampart / bare at the same number of calls in flight. The chart (curve.svg) plots p50 and p99 against req/s.', '');
  return lines.join('\n');
}
