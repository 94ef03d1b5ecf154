import { columns } from '@rampart/rollout';
import type { ChaosResult } from './chaos-result.js';

const s = (ms: number): string => (ms / 1_000).toFixed(1);

/** The run as text: a row per fault, the attacks, the expected outcomes, the first failures. */
export function renderTable(result: ChaosResult): string {
  const out: string[] = [];
  out.push(
    columns([
      ['fault', 'kind', 'from s', 'calls', 'valid failed', 'invalid', 'accepted', 'p99 ms', 'recovery s', 'verdict'],
      ...result.faults.map((f) => [
        f.name,
        f.planned ? 'planned' : 'fault',
        s(f.fromMs),
        String(f.validCalls),
        f.validFailed === 0 ? '0' : `${f.validFailed} (${Object.entries(f.failedBy).map(([k, v]) => `${k} ${v}`).join(', ')})`,
        String(f.invalidCalls),
        String(f.invalidAccepted),
        f.p99Ms.toFixed(0),
        s(f.recoveryMs),
        f.verdict === 'pass' ? 'pass' : `FAIL: ${f.reason ?? ''}`,
      ]),
      ['all', '', '', String(result.total.validCalls), String(result.total.validFailed), String(result.total.invalidCalls), String(result.total.invalidAccepted), '', '', result.passed ? 'pass' : 'FAIL'],
    ]),
  );
  out.push('', 'expected outcomes:');
  for (const f of result.faults) out.push(`  ${f.name}: ${f.expected}${f.allowed.length > 0 ? ` [allowed: ${f.allowed.join(', ')}]` : ''}`);
  out.push(
    '',
    columns([
      ['attack', 'attempts', 'accepted', 'statuses'],
      ...Object.entries(result.attacks).map(([kind, a]) => [kind, String(a.calls), String(a.accepted), Object.entries(a.statuses).map(([k, v]) => `${k} ${v}`).join(', ')]),
    ]),
  );
  if (result.soak) {
    out.push('', `soak: ${result.soak.minutes} min, ${result.soak.streams} long-lived streams; memory ${result.soak.flat ? 'flat' : 'NOT flat'} (middle vs last third, the first is warm-up; mean RSS, and for replicas the used heap's floor and RSS outside V8's heap; 5 % at most)`);
    const pct = (g: number) => `${(g * 100).toFixed(1)} %`;
    const part = (c: { firstMb: number; lastMb: number; growth: number } | undefined) => (c ? `${c.firstMb.toFixed(1)} → ${c.lastMb.toFixed(1)} (${pct(c.growth)})` : '—');
    out.push(
      columns([
        ['process', 'RSS MB warm-up', 'RSS MB middle → last third', 'heap floor MB', 'outside heap MB', 'flat'],
        ...result.soak.processes.map((p) => [
          p.process,
          p.warmUpMb.toFixed(1),
          part({ firstMb: p.middleThirdMb, lastMb: p.lastThirdMb, growth: p.growth }),
          part(p.heapFloor),
          part(p.outsideHeap),
          p.flat ? 'yes' : 'NO',
        ]),
      ]),
    );
  }
  const failing = result.faults.filter((f) => f.causes.length > 0);
  if (failing.length > 0) {
    out.push('', 'why valid calls failed (per fault, the most frequent causes):');
    for (const f of failing) {
      out.push(`  ${f.name}:`);
      for (const c of f.causes) out.push(`    ${c.count} × ${c.kind} ${c.status} (${c.details || 'no message'}), +${s(c.firstMs)} … +${s(c.lastMs)} s`);
      for (const l of f.logged ?? []) out.push(`    logged ${l.count} × by ${l.processes.join(', ')}: ${l.text}, +${s(l.firstMs)} … +${s(l.lastMs)} s`);
    }
  }
  if (result.acceptedAttacks.length > 0) {
    out.push('', 'ACCEPTED ATTACKS (invalid calls that ended OK):');
    for (const e of result.acceptedAttacks) out.push(`  +${s(e.atMs)} s ${e.kind} during "${e.fault}"`);
  }
  return out.join('\n');
}
