import { median, percentile, round } from '../stats.js';
import { STARTUP_KINDS, type StartupKind } from './startup-config.js';

/** Start-up ≤ 1.5 × bare grpc-js (issue 23): reported, never asserted. */
export const STARTUP_TARGET = 1.5;

export const STARTUP_LABELS: Readonly<Record<StartupKind, string>> = {
  grpc: 'bare grpc-js mTLS + health',
  rampart: 'Rampart (apps/inventory)',
  'rampart-bundle': 'Rampart, bundled (esbuild)',
  nest: 'NestJS mTLS + health',
};

/** One server's start-up times: spawn → first SERVING health answer, ms. */
export interface StartupServerResult {
  readonly label: string;
  readonly runs_ms: readonly number[];
  readonly median_ms: number;
  readonly p90_ms: number;
  readonly min_ms: number;
  /** Median / bare grpc-js's median (null without the bare figure). */
  readonly vs_bare: number | null;
}

export interface StartupResults {
  /** The Node the servers started on. */
  readonly node: string;
  readonly runs: number;
  readonly pinned: boolean;
  readonly servers: Partial<Record<StartupKind, StartupServerResult>>;
  /**
   * The Rampart app's own breakdown, from one more start at `log.level` debug (its `start-up phases` log line): ms per
   * phase, in order. Null when that line was not found.
   */
  readonly rampart_phases_ms: Readonly<Record<string, number>> | null;
  /** The same for the bundled app (`rampart-bundle`); null when not found. */
  readonly rampart_bundle_phases_ms: Readonly<Record<string, number>> | null;
  readonly target: { readonly limit: number; readonly value: number | null; readonly pass: boolean | null };
}

/** The figures of every server from its runs (ms), and the ratio to bare grpc-js. */
export function summarizeStartup(
  runs: ReadonlyMap<StartupKind, readonly number[]>,
  info: { readonly node: string; readonly runs: number; readonly pinned: boolean },
  phases: Readonly<Record<string, number>> | null,
  bundlePhases: Readonly<Record<string, number>> | null = null,
): StartupResults {
  const servers: Partial<Record<StartupKind, StartupServerResult>> = {};
  const bareRuns = runs.get('grpc') ?? [];
  const bare = bareRuns.length > 0 ? median(bareRuns) : Number.NaN;
  for (const kind of STARTUP_KINDS) {
    const list = runs.get(kind);
    if (list === undefined || list.length === 0) continue;
    const sorted = [...list].sort((a, b) => a - b);
    const med = median(sorted);
    servers[kind] = {
      label: STARTUP_LABELS[kind],
      runs_ms: list.map((v) => round(v, 1)),
      median_ms: round(med, 1),
      p90_ms: round(percentile(sorted, 90), 1),
      min_ms: round(sorted[0] as number, 1),
      vs_bare: Number.isFinite(bare) ? round(med / bare, 3) : null,
    };
  }
  const value = servers.rampart?.vs_bare ?? null;
  return {
    ...info,
    servers,
    rampart_phases_ms: phases,
    rampart_bundle_phases_ms: bundlePhases,
    target: { limit: STARTUP_TARGET, value, pass: value === null ? null : value <= STARTUP_TARGET },
  };
}

/**
 * The phases from the Rampart app's stdout (JSON log lines): the `phasesMs` object of its `start-up phases` line,
 * rounded to 0.1 ms; null when no line has one.
 */
export function phasesFromLog(stdout: string): Record<string, number> | null {
  for (const line of stdout.split('\n')) {
    if (!line.includes('"phasesMs"')) continue;
    try {
      const entry = JSON.parse(line) as { phasesMs?: Record<string, unknown> };
      if (typeof entry.phasesMs !== 'object' || entry.phasesMs === null) continue;
      return Object.fromEntries(
        Object.entries(entry.phasesMs).filter((e): e is [string, number] => typeof e[1] === 'number').map(([k, v]) => [k, round(v, 1)]),
      );
    } catch {
      // not JSON: someone else's output
    }
  }
  return null;
}

const ms = (n: number): string => n.toLocaleString('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 0 });

/** The start-up section of a report (Markdown). */
export function renderStartupMarkdown(s: StartupResults): string {
  const lines = [
    '### Start-up',
    '',
    `Spawn → first SERVING answer of \`grpc.health.v1.Health/Check\` over mTLS, ${s.runs} starts each (alternating, after one unmeasured start each), ` +
      `Node ${s.node}, ${s.pinned ? 'each server pinned to core 0' : 'not pinned'}.`,
    '',
    '| server | median ms | p90 ms | fastest ms | median vs bare |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const kind of STARTUP_KINDS) {
    const r = s.servers[kind];
    if (r) lines.push(`| ${r.label} | ${ms(r.median_ms)} | ${ms(r.p90_ms)} | ${ms(r.min_ms)} | ${r.vs_bare === null ? 'n/a' : `${r.vs_bare.toFixed(2)}×`} |`);
  }
  const t = s.target;
  lines.push(
    '',
    `Target: Rampart ≤ ${t.limit.toFixed(2)}× bare grpc-js: ${t.value === null ? 'n/a' : `${t.value.toFixed(2)}×, **${t.pass ? 'PASS' : 'MISS'}**`}.`,
  );
  const list = (phases: Readonly<Record<string, number>>): string => Object.entries(phases).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');
  if (s.rampart_phases_ms !== null) {
    lines.push('', `Rampart's own breakdown (one more start at log level debug; ms): ${list(s.rampart_phases_ms)}.`);
  }
  if (s.rampart_bundle_phases_ms) {
    lines.push('', `The same for the bundled app: ${list(s.rampart_bundle_phases_ms)}.`);
  }
  lines.push('');
  return lines.join('\n');
}
