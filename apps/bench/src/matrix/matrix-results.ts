import { renderMarkdown } from '../report/markdown.js';
import type { BenchResults } from '../result-types.js';
import type { Settings } from '../scenarios.js';
import { round } from '../stats.js';
import { renderStartupMarkdown, type StartupResults } from '../startup/startup-results.js';

/** One Node version's run in the matrix: the load scenarios' results and the start-up times (each null when not run). */
export interface MatrixEntry {
  readonly node: string;
  readonly results: BenchResults | null;
  readonly startup: StartupResults | null;
}

export interface MatrixResults {
  readonly version: 1;
  readonly kind: 'matrix';
  readonly mode: Settings['mode'];
  readonly started_at: string;
  readonly duration_s: number;
  readonly entries: readonly MatrixEntry[];
}

/** A ratio the matrix compares across Node versions, each against the same version's baseline, with issue 23's target. */
export interface MatrixMetric {
  readonly id: string;
  readonly label: string;
  readonly op: '<=' | '>=';
  readonly limit: number;
  readonly value: (entry: MatrixEntry) => number | null;
}

const ratio = (a: number | undefined, b: number | undefined): number | null =>
  a === undefined || b === undefined || !(b > 0) || !Number.isFinite(a) ? null : round(a / b, 3);

/** Issue 23's targets, in the order of its list. */
export const MATRIX_METRICS: readonly MatrixMetric[] = [
  { id: 'warm-cpu', label: 'full auth (warm) CPU/call', op: '<=', limit: 1.1, value: (e) => e.results?.ratios.auth_warm_vs_grpc_mtls.cpu_us_per_req ?? null },
  { id: 'warm-rps', label: 'full auth (warm) req/s', op: '>=', limit: 0.9, value: (e) => e.results?.ratios.auth_warm_vs_grpc_mtls.rps ?? null },
  { id: 'warm-p99', label: 'full auth (warm) p99', op: '<=', limit: 1.2, value: (e) => e.results?.ratios.auth_warm_vs_grpc_mtls.p99_ms ?? null },
  { id: 'mtls-cpu', label: '@RequireMtls CPU/call', op: '<=', limit: 1.05, value: (e) => e.results?.ratios.rampart_mtls_vs_grpc_mtls.cpu_us_per_req ?? null },
  { id: 'cold-jose', label: 'cold verification vs raw jwtVerify', op: '<=', limit: 1.1, value: (e) => e.results?.ratios.cold_verification_vs_jose ?? null },
  { id: 'stream', label: 'streaming msg/s', op: '>=', limit: 0.95, value: (e) => e.results?.ratios.stream_rampart_vs_grpc.rps ?? null },
  { id: 'vs-nest', label: 'req/s vs NestJS', op: '>=', limit: 3, value: (e) => e.results?.ratios.auth_warm_vs_nest.rps ?? null },
  {
    id: 'gc-pause',
    label: 'longest GC pause, warm vs bare',
    op: '<=',
    limit: 1.3,
    value: (e) => ratio(e.results?.scenarios['rampart-auth-warm']?.gc_max_pause_ms, e.results?.scenarios['grpc-mtls']?.gc_max_pause_ms),
  },
  { id: 'startup', label: 'start-up', op: '<=', limit: 1.5, value: (e) => e.startup?.target.value ?? null },
];

/** Whether `value` meets `metric`'s target (null without a value). */
export function meets(metric: MatrixMetric, value: number | null): boolean | null {
  if (value === null) return null;
  return metric.op === '<=' ? value <= metric.limit : value >= metric.limit;
}

const num = (n: number | null | undefined, digits: number): string =>
  n === null || n === undefined || !Number.isFinite(n) ? 'n/a' : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const times = (n: number | null): string => (n === null ? 'n/a' : `${num(n, 2)}×`);

/**
 * The matrix as Markdown: one row per Node version with its bare grpc-js figures and every ratio against them (a ✗
 * marks a missed target), then each version's full report.
 */
export function renderMatrixMarkdown(m: MatrixResults): string {
  const lines = [
    `## Rampart benchmark on several Node versions (${m.mode} run), ${m.started_at.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `One version after the other: ${m.entries.map((e) => e.node).join(', ')}. Every ratio is against the same version's bare grpc-js ` +
      "(start-up: bare grpc-js's start-up on that version); ✗ marks a ratio that misses issue 23's target, n/a a scenario not run.",
    '',
    `| Node | bare grpc-js mTLS µs/call | bare req/s | ${MATRIX_METRICS.map((x) => `${x.label} (${x.op === '<=' ? '≤' : '≥'} ${num(x.limit, 2)}×)`).join(' | ')} | longest GC pause bare / warm ms | start-up bare / Rampart / bundled / NestJS ms |`,
    `| --- | ---: | ---: | ${MATRIX_METRICS.map(() => '---:').join(' | ')} | ---: | ---: |`,
  ];
  for (const e of m.entries) {
    const bare = e.results?.scenarios['grpc-mtls'];
    const warm = e.results?.scenarios['rampart-auth-warm'];
    const cells = MATRIX_METRICS.map((x) => {
      const v = x.value(e);
      return `${times(v)}${meets(x, v) === false ? ' ✗' : ''}`;
    });
    const s = e.startup?.servers;
    lines.push(
      `| ${e.node} | ${num(bare?.cpu_us_per_req, 1)} | ${num(bare?.rps, 0)} | ${cells.join(' | ')} | ${num(bare?.gc_max_pause_ms, 1)} / ${num(warm?.gc_max_pause_ms, 1)} | ` +
        `${num(s?.grpc?.median_ms, 0)} / ${num(s?.rampart?.median_ms, 0)} / ${num(s?.['rampart-bundle']?.median_ms, 0)} / ${num(s?.nest?.median_ms, 0)} |`,
    );
  }
  lines.push('', 'Chart: matrix.svg. Each version\'s own report follows.', '');
  for (const e of m.entries) {
    lines.push(`## Node ${e.node}`, '');
    if (e.results) lines.push(renderMarkdown(e.results).replace(/^## /, '### '));
    if (e.startup) lines.push(renderStartupMarkdown(e.startup));
  }
  return lines.join('\n');
}
