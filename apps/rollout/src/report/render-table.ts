import { CALL_KINDS } from '../load/call-record.js';
import type { LatencySummary, RunResult } from './results.js';

const ms = (v: number | undefined): string => (v === undefined || Number.isNaN(v) ? '-' : v < 10 ? v.toFixed(1) : v.toFixed(0));
const s = (v: number | undefined): string => (v === undefined ? '-' : (v / 1_000).toFixed(1));

/** Lays out rows of cells in columns (first row: the header, underlined). */
export function columns(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const line = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const [head, ...rest] = rows;
  return [line(head ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...rest.map(line)].join('\n');
}

const latencyRow = (name: string, l: LatencySummary | undefined): string[] =>
  l ? [name, String(l.calls), String(l.failed), ms(l.p50Ms), ms(l.p99Ms)] : [name, '0', '0', '-', '-'];

/** The run's tables: calls and latency by phase and by call kind, the replicas, the replay check, failures. */
export function renderTable(result: RunResult): string {
  const out: string[] = [];
  const during = result.byPhase;
  out.push(
    columns([
      ['phase', 'calls', 'failed', 'p50 ms', 'p99 ms'],
      latencyRow('before the rollout', during.before),
      latencyRow('rolling inventory', during.inventory),
      latencyRow('rolling orders', during.orders),
      latencyRow('after', during.after),
      latencyRow('all', result.total),
    ]),
  );
  out.push('');
  out.push(columns([['call kind', 'calls', 'failed', 'p50 ms', 'p99 ms'], ...CALL_KINDS.map((k) => latencyRow(k, result.byKind[k]))]));
  out.push('');
  const served = (kind: string) => result.replicas.filter((r) => r.kind === kind).reduce((n, r) => n + r.served, 0);
  out.push(
    columns([
      ['replica', 'address', 'serving s', 'in DNS s', 'out of DNS s', 'exit', 'first call after', 'served', 'share'],
      ...result.replicas.map((r) => [
        r.id + (r.replacement ? ' (new)' : ''),
        r.address,
        s(r.servingAt),
        s(r.addedToDnsAt),
        s(r.removedFromDnsAt),
        r.exitCode === undefined ? 'running' : String(r.exitCode),
        !r.replacement ? '-' : r.firstCallAfterMs === undefined ? 'never' : `${ms(r.firstCallAfterMs)} ms`,
        String(r.served),
        `${((100 * r.served) / Math.max(1, served(r.kind))).toFixed(1)} %`,
      ]),
    ]),
  );
  if (result.trafficBoundMs !== undefined) {
    const late = result.replicas.filter((r) => r.replacement && (r.firstCallAfterMs === undefined || r.firstCallAfterMs > (result.trafficBoundMs ?? 0)));
    out.push(`new replicas with traffic within max connection age + grace (${result.trafficBoundMs} ms): ${late.length === 0 ? 'all' : `not ${late.map((r) => r.id).join(', ')}`}`);
  }
  out.push('');
  for (const r of result.replay) {
    out.push(`one-time token: at ${r.firstReplica} ${r.firstStatus}, the same token at ${r.secondReplica} ${r.secondStatus}`);
  }
  if (result.skipped > 0) out.push(`ticks skipped (too many calls in flight): ${result.skipped}`);
  if (result.failures.length > 0) {
    out.push('');
    out.push(
      columns([
        ['started at s', 'after ms', 'phase', 'call kind', 'status', 'details'],
        ...result.failures.slice(0, 40).map((f) => [s(f.atMs), String(f.latencyMs), f.phase, f.kind, f.status, (f.details ?? '').slice(0, 90)]),
      ]),
    );
    if (result.failures.length > 40) out.push(`… and ${result.failures.length - 40} more (all in the JSON results)`);
  }
  return out.join('\n');
}
