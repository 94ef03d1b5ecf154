import { percentile } from '@rampart/rollout';
import type { ChaosRecord } from './chaos-record.js';
import type { ChaosResult, FailureCause, FaultResult, SecondResult, SoakProcess, SoakVerdict } from './chaos-result.js';
import type { MemorySample } from './memory-sampler.js';
import { warningsDuring, type ProcessWarning } from './process-warnings.js';

/** A fault's window in the run (epoch ms). */
export interface FaultWindow {
  readonly name: string;
  readonly planned: boolean;
  readonly expected: string;
  readonly allowed: readonly string[];
  readonly from: number;
  readonly stepsEnd: number;
  readonly to: number;
  readonly error?: string;
}

/** A fault whose window ends with failures this close to its end has not recovered. */
export const RECOVERED_QUIET_MS = 3_000;

const round = (v: number): number => (Number.isNaN(v) ? 0 : Math.round(v * 10) / 10);

/** Long-lived streams last as long as their client keeps them: their duration is no latency. */
const timed = (r: ChaosRecord): boolean => !r.kind.endsWith('(long-lived)');

/** The most frequent causes of failed calls (kind, status, message without numbers that vary), at most `limit`. */
export function failureCauses(failed: readonly ChaosRecord[], start: number, limit = 5): FailureCause[] {
  const groups = new Map<string, { kind: string; status: string; details: string; count: number; firstMs: number; lastMs: number }>();
  for (const r of failed) {
    const details = (r.details ?? '').slice(0, 140);
    const key = `${r.kind}|${r.status}|${details}`;
    const at = r.startedAt - start;
    const g = groups.get(key);
    if (g) {
      g.count += 1;
      g.firstMs = Math.min(g.firstMs, at);
      g.lastMs = Math.max(g.lastMs, at);
    } else groups.set(key, { kind: r.kind, status: r.status, details, count: 1, firstMs: at, lastMs: at });
  }
  return [...groups.values()].sort((a, b) => b.count - a.count).slice(0, limit);
}

/** Judges one fault's window. */
export function faultResult(window: FaultWindow, records: readonly ChaosRecord[], start: number): FaultResult {
  const mine = records.filter((r) => r.fault === window.name);
  const valid = mine.filter((r) => r.caller === 'valid');
  const failed = valid.filter((r) => r.status !== 'OK');
  const invalid = mine.filter((r) => r.caller === 'invalid');
  const accepted = invalid.filter((r) => r.status === 'OK');
  const failedBy: Record<string, number> = {};
  for (const r of failed) failedBy[r.status] = (failedBy[r.status] ?? 0) + 1;
  const lastFailure = Math.max(...failed.map((r) => r.startedAt), -Infinity);
  const recoveryMs = lastFailure > window.stepsEnd ? lastFailure - window.stepsEnd : 0;
  const unexpected = Object.keys(failedBy).filter((s) => !window.allowed.includes(s));
  let reason: string | undefined;
  if (window.error) reason = `the fault's steps failed: ${window.error}`;
  else if (accepted.length > 0) reason = `${accepted.length} invalid calls accepted`;
  else if (window.planned && failed.length > 0) reason = `a planned event failed ${failed.length} valid calls`;
  else if (unexpected.length > 0) reason = `valid calls failed with ${unexpected.join(', ')}, not an expected status`;
  else if (failed.length > 0 && lastFailure > window.to - RECOVERED_QUIET_MS) reason = 'still failing at the end of its window: not recovered';
  return {
    name: window.name,
    planned: window.planned,
    expected: window.expected,
    allowed: window.allowed,
    fromMs: window.from - start,
    stepsEndMs: window.stepsEnd - start,
    toMs: window.to - start,
    validCalls: valid.length,
    validFailed: failed.length,
    failedBy,
    causes: failureCauses(failed, start),
    invalidCalls: invalid.length,
    invalidAccepted: accepted.length,
    p99Ms: round(percentile(valid.filter(timed).map((r) => r.latencyMs), 99)),
    recoveryMs,
    ...(window.error ? { error: window.error } : {}),
    verdict: reason === undefined ? 'pass' : 'FAIL',
    ...(reason ? { reason } : {}),
  };
}

/**
 * Puts each failed valid call in the window where it ended: a call that started just before a fault and failed
 * during it failed because of that fault, not of the one before (whose steps were over and which was quiet).
 */
export function attributeFailuresToTheirEnd(records: ChaosRecord[], windows: readonly FaultWindow[]): void {
  records.forEach((r, i) => {
    if (r.caller !== 'valid' || r.status === 'OK') return;
    const end = r.startedAt + r.latencyMs;
    const window = windows.find((w) => end >= w.from && end < w.to);
    if (window && window.name !== r.fault) records[i] = { ...r, fault: window.name };
  });
}

/** Calls, failures, attacks and p99 for each second of the run. */
export function perSecond(records: readonly ChaosRecord[], start: number, end: number): SecondResult[] {
  const seconds = Math.max(1, Math.ceil((end - start) / 1_000));
  const buckets = Array.from({ length: seconds }, () => ({ valid: 0, failed: 0, invalid: 0, accepted: 0, latencies: [] as number[] }));
  for (const r of records) {
    const b = buckets[Math.floor((r.startedAt - start) / 1_000)];
    if (!b) continue;
    if (r.caller === 'valid') {
      b.valid += 1;
      if (timed(r)) b.latencies.push(r.latencyMs);
      if (r.status !== 'OK') b.failed += 1;
    } else {
      b.invalid += 1;
      if (r.status === 'OK') b.accepted += 1;
    }
  }
  return buckets.map((b) => ({ valid: b.valid, failed: b.failed, invalid: b.invalid, accepted: b.accepted, p99Ms: round(percentile(b.latencies, 99)) }));
}

/**
 * Whether each process's memory stayed within `tolerance` from the middle to the last third of the samples. The first
 * third is warm-up, shown but not judged: bounded caches fill there (orders' 10 000-order repository fills in about 11
 * minutes at the soak's 15 orders a second), and comparing it with the end measures the fill, not a leak. The
 * tolerance is 5 % per third, the same rate as 10 % from the first to the last third (twenty minutes apart in a
 * 30-minute soak).
 * RSS counts V8's committed heap, which V8 grows and shrinks with the allocation rate, so a process whose RSS grew
 * is still flat when it reports its heap and both the used heap's floor (the lowest sample of a third: what
 * survived collection) and the memory outside the heap (RSS − committed heap) stayed within the tolerance.
 */
export function soakVerdict(samples: readonly MemorySample[], minutes: number, streams: number, tolerance = 0.05): SoakVerdict {
  const names = [...new Set(samples.map((s) => s.process))];
  const processes = names.map((process): SoakProcess => {
    const mine = samples.filter((s) => s.process === process);
    const third = Math.max(1, Math.floor(mine.length / 3));
    const [warmUp, middle, last] = [mine.slice(0, third), mine.slice(third, 2 * third), mine.slice(-third)];
    const warmUpMb = round(mean(warmUp.map((s) => s.rssMb)));
    const rss = change(mean(middle.map((s) => s.rssMb)), mean(last.map((s) => s.rssMb)));
    const reported = (xs: readonly MemorySample[]) => xs.filter((s) => s.heapUsedMb !== undefined && s.heapTotalMb !== undefined);
    const [middleHeap, lastHeap] = [reported(middle), reported(last)];
    const rssFlat = rss.growth <= tolerance;
    const base = { process, warmUpMb, middleThirdMb: rss.firstMb, lastThirdMb: rss.lastMb, growth: rss.growth };
    if (middleHeap.length === 0 || lastHeap.length === 0) return { ...base, flat: rssFlat };
    const heapFloor = change(Math.min(...middleHeap.map((s) => s.heapUsedMb as number)), Math.min(...lastHeap.map((s) => s.heapUsedMb as number)));
    const outside = (xs: readonly MemorySample[]) => mean(xs.map((s) => s.rssMb - (s.heapTotalMb as number)));
    const outsideHeap = change(outside(middleHeap), outside(lastHeap));
    const flat = rssFlat || (heapFloor.growth <= tolerance && outsideHeap.growth <= tolerance);
    return { ...base, heapFloor, outsideHeap, flat };
  });
  return { minutes, streams, processes, flat: processes.every((p) => p.flat) };
}

const mean = (xs: readonly number[]): number => xs.reduce((a, x) => a + x, 0) / Math.max(1, xs.length);

function change(first: number, last: number): { firstMb: number; lastMb: number; growth: number } {
  const growth = first === 0 ? 0 : Math.round(((last - first) / first) * 1_000) / 1_000;
  return { firstMb: round(first), lastMb: round(last), growth };
}

/** Everything the run produced. */
export function buildResult(input: {
  readonly start: number;
  readonly end: number;
  readonly mode: ChaosResult['mode'];
  readonly network: ChaosResult['network'];
  readonly settings: ChaosResult['settings'];
  readonly windows: readonly FaultWindow[];
  readonly records: readonly ChaosRecord[];
  readonly samples: readonly MemorySample[];
  readonly soak?: SoakVerdict;
  /** What the processes logged at warn and above ({@link collectWarnings}), shown for windows where calls failed. */
  readonly warnings?: readonly ProcessWarning[];
}): ChaosResult {
  const { start, records } = input;
  const faults = input.windows.map((w) => {
    const fault = faultResult(w, records, start);
    if (fault.validFailed === 0 && fault.verdict === 'pass') return fault;
    return { ...fault, logged: warningsDuring(input.warnings ?? [], fault.fromMs, fault.toMs) };
  });
  const attacks: Record<string, { calls: number; accepted: number; statuses: Record<string, number> }> = {};
  for (const r of records.filter((x) => x.caller === 'invalid')) {
    const a = (attacks[r.kind] ??= { calls: 0, accepted: 0, statuses: {} });
    a.calls += 1;
    if (r.status === 'OK') a.accepted += 1;
    a.statuses[r.status] = (a.statuses[r.status] ?? 0) + 1;
  }
  const memory: Record<string, { atMs: number; rssMb: number; heapUsedMb?: number; heapTotalMb?: number }[]> = {};
  for (const { at, process, ...sizes } of input.samples) (memory[process] ??= []).push({ atMs: at - start, ...sizes });
  const accepted = records.filter((r) => r.caller === 'invalid' && r.status === 'OK');
  const valid = records.filter((r) => r.caller === 'valid');
  const invalid = records.filter((r) => r.caller === 'invalid');
  return {
    startedAt: new Date(start).toISOString(),
    durationMs: input.end - start,
    mode: input.mode,
    network: input.network,
    settings: input.settings,
    faults,
    total: {
      validCalls: valid.length,
      validFailed: valid.filter((r) => r.status !== 'OK').length,
      invalidCalls: invalid.length,
      invalidAccepted: invalid.filter((r) => r.status === 'OK').length,
    },
    attacks,
    perSecond: perSecond(records, start, input.end),
    memory,
    acceptedAttacks: accepted.slice(0, 40).map((r) => ({ atMs: r.startedAt - start, kind: r.kind, fault: r.fault })),
    ...(input.soak ? { soak: input.soak } : {}),
    passed: faults.every((f) => f.verdict === 'pass') && invalid.every((r) => r.status !== 'OK') && valid.length > 0 && (input.soak?.flat ?? true),
  };
}
