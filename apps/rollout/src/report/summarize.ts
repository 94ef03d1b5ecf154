import { CALL_KINDS, type CallKind, type CallRecord, type Phase } from '../load/call-record.js';
import type { Replica } from '../cluster/cluster.js';
import { percentile, perSecond } from './stats.js';
import type { LatencySummary, ReplayResult, ReplicaResult, RunResult } from './results.js';

/** Latency and failures of a group of calls. */
export function summarize(records: readonly CallRecord[]): LatencySummary {
  const latencies = records.map((r) => r.latencyMs);
  return {
    calls: records.length,
    failed: records.filter((r) => r.status !== 'OK').length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

/** Calls admitted by a replica, without the harness's own one-time-token checks (ReplayProbe). */
const loadCalls = (replica: Replica): number[] => replica.process.served.filter((c) => !c.rpc.startsWith('/rampart.rollout.v1.ReplayProbe/')).map((c) => c.at);

/** What one replica did, times relative to `start`. */
export function replicaResult(replica: Replica, start: number, seconds: number, replacement: boolean): ReplicaResult {
  const calls = loadCalls(replica);
  const rel = (t: number | undefined) => (t === undefined ? undefined : t - start);
  const added = replica.addedToDnsAt;
  const first = added === undefined ? undefined : calls.find((t) => t >= added);
  return {
    id: replica.id,
    kind: replica.kind,
    address: replica.address,
    replacement,
    ...opt('servingAt', rel(replica.servingAt)),
    ...opt('addedToDnsAt', rel(replica.addedToDnsAt)),
    ...opt('removedFromDnsAt', rel(replica.removedFromDnsAt)),
    ...opt('sigtermAt', rel(replica.sigtermAt)),
    ...opt('exitedAt', rel(replica.process.exitedAt)),
    ...(replica.exitCode !== undefined ? { exitCode: replica.exitCode } : {}),
    served: calls.length,
    ...opt('firstCallAfterMs', first === undefined || added === undefined ? undefined : first - added),
    perSecond: perSecond(calls, start, seconds),
    shutdownLog: shutdownLog(replica),
  };
}

/** Log lines from the replica's SIGTERM on, as `+1.23 s message`. */
function shutdownLog(replica: Replica): string[] {
  const from = replica.sigtermAt;
  if (from === undefined) return [];
  const lines = replica.process.events.filter((e) => e.at >= from).map((e) => `+${((e.at - from) / 1_000).toFixed(2)} s ${e.msg}`);
  if (replica.process.exitedAt !== undefined) lines.push(`+${((replica.process.exitedAt - from) / 1_000).toFixed(2)} s exited (${String(replica.exitCode)})`);
  return lines.slice(0, 30);
}

function opt<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}

/** Everything for the table, the JSON and the timeline. */
export interface SummaryInput {
  readonly start: number;
  readonly end: number;
  readonly records: readonly CallRecord[];
  readonly skipped: number;
  readonly replicas: readonly Replica[];
  /** ids of the replicas the rolling restart started. */
  readonly replacements: ReadonlySet<string>;
  readonly phases: readonly { phase: Phase; from: number; to: number }[];
  readonly replay: readonly ReplayResult[];
  readonly network: RunResult['network'];
  readonly settings: RunResult['settings'];
  readonly trafficBoundMs?: number;
}

/** Builds the run's result. */
export function buildResult(input: SummaryInput): RunResult {
  const seconds = Math.max(1, Math.ceil((input.end - input.start) / 1_000));
  const byPhase: Partial<Record<Phase, ReturnType<typeof summarize>>> = {};
  for (const p of input.phases) byPhase[p.phase] = summarize(input.records.filter((r) => r.phase === p.phase));
  const byKind = Object.fromEntries(CALL_KINDS.map((k) => [k, summarize(input.records.filter((r) => r.kind === k))])) as Record<CallKind, ReturnType<typeof summarize>>;
  const failed = input.records.filter((r) => r.status !== 'OK');
  return {
    startedAt: new Date(input.start).toISOString(),
    durationMs: input.end - input.start,
    network: input.network,
    settings: input.settings,
    phases: input.phases.map((p) => ({ phase: p.phase, fromMs: p.from - input.start, toMs: p.to - input.start })),
    total: summarize(input.records),
    byPhase,
    byKind,
    errorsPerSecond: perSecond(failed.map((r) => r.startedAt), input.start, seconds),
    failures: failed.map((r) => ({ atMs: r.startedAt - input.start, latencyMs: Math.round(r.latencyMs), kind: r.kind, phase: r.phase, status: r.status, ...(r.details ? { details: r.details } : {}) })),
    skipped: input.skipped,
    replicas: input.replicas.map((r) => replicaResult(r, input.start, seconds, input.replacements.has(r.id))),
    replay: input.replay,
    ...(input.trafficBoundMs !== undefined ? { trafficBoundMs: input.trafficBoundMs } : {}),
  };
}
