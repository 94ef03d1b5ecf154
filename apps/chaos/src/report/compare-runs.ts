import type { ChaosResult, FaultResult } from './chaos-result.js';

const cell = (f: FaultResult | undefined): string => {
  if (f === undefined) return 'not run';
  const failed = f.validFailed === 0 ? '0' : `${f.validFailed} (${Object.entries(f.failedBy).map(([k, v]) => `${k} ${v}`).join(', ')})`;
  return `${f.validCalls} / ${failed} / ${f.invalidAccepted} / ${f.p99Ms.toFixed(0)} / ${(f.recoveryMs / 1_000).toFixed(1)} / ${f.verdict}`;
};

/** One line per run: what it made and whether it passed. */
const summary = (r: ChaosResult, i: number): string => {
  const planned = r.faults.filter((f) => f.planned).reduce((n, f) => n + f.validFailed, 0);
  return (
    `run ${i + 1} (${r.startedAt}, ${r.mode}): ${r.total.validCalls} valid calls, ${r.total.validFailed} failed (${planned} in planned events); ` +
    `${r.total.invalidCalls} invalid calls, ${r.total.invalidAccepted} accepted; ${(r.durationMs / 1_000).toFixed(0)} s; ${r.passed ? 'passed' : 'FAILED'}.`
  );
};

/**
 * Runs side by side as a Markdown table (`pnpm chaos -- --compare a.json,b.json`): a row per fault of any run, a
 * column per run with valid calls / failed / invalid accepted / p99 ms / recovery s / verdict, then a line per run.
 */
export function compareRuns(results: readonly ChaosResult[]): string {
  const names: string[] = [];
  const kinds = new Map<string, string>();
  for (const r of results) {
    for (const f of r.faults) {
      if (!names.includes(f.name)) names.push(f.name);
      kinds.set(f.name, f.planned ? 'planned' : 'fault');
    }
  }
  const head = ['fault', 'kind', ...results.map((_, i) => `run ${i + 1}: valid calls / failed / invalid accepted / p99 ms / recovery s / verdict`)];
  const rows = names.map((name) => [name, kinds.get(name) ?? '', ...results.map((r) => cell(r.faults.find((f) => f.name === name)))]);
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line), '', ...results.map(summary)].join('\n');
}
