import type { CallKind, Phase } from '../load/call-record.js';

/** What one replica did, for the table and the timeline. Times are ms since the run's start. */
export interface ReplicaResult {
  readonly id: string;
  readonly kind: 'inventory' | 'orders';
  readonly address: string;
  /** Whether it was started by the rolling restart (a replacement). */
  readonly replacement: boolean;
  readonly servingAt?: number;
  readonly addedToDnsAt?: number;
  readonly removedFromDnsAt?: number;
  readonly sigtermAt?: number;
  readonly exitedAt?: number;
  readonly exitCode?: number | null;
  /** Calls it admitted (its audit log), the one-time-token checks left out. */
  readonly served: number;
  /** ms from being added to DNS to the first call it admitted; undefined when it admitted none. */
  readonly firstCallAfterMs?: number;
  /** Calls it admitted per second of the run. */
  readonly perSecond: readonly number[];
  /** What it logged from its SIGTERM on (`+seconds message`): the steps of its shutdown. */
  readonly shutdownLog: readonly string[];
}

/** The latency and failures of one group of calls. */
export interface LatencySummary {
  readonly calls: number;
  readonly failed: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** A failed call, as the table lists it. */
export interface FailureResult {
  readonly atMs: number;
  /** How long the call took until it failed. */
  readonly latencyMs: number;
  readonly kind: CallKind;
  readonly phase: Phase;
  readonly status: string;
  readonly details?: string;
}

/** The one-time token shown at two replicas. */
export interface ReplayResult {
  readonly firstReplica: string;
  readonly firstStatus: string;
  readonly secondReplica: string;
  readonly secondStatus: string;
}

/** Everything a run produced: written as JSON, rendered as the table and the SVG timeline. */
export interface RunResult {
  readonly startedAt: string;
  readonly durationMs: number;
  readonly network: { readonly kind: 'netns' | 'loopback'; readonly cidr: string; readonly fallbackReason?: string };
  readonly settings: Readonly<Record<string, string | number | boolean>>;
  /** Phase boundaries, ms since the start. */
  readonly phases: readonly { readonly phase: Phase; readonly fromMs: number; readonly toMs: number }[];
  readonly total: LatencySummary;
  readonly byPhase: Readonly<Partial<Record<Phase, LatencySummary>>>;
  readonly byKind: Readonly<Record<CallKind, LatencySummary>>;
  /** Failed calls (and skipped ticks) per second of the run. */
  readonly errorsPerSecond: readonly number[];
  readonly failures: readonly FailureResult[];
  readonly skipped: number;
  readonly replicas: readonly ReplicaResult[];
  readonly replay: readonly ReplayResult[];
  /** max connection age + grace: the bound within which a new replica must see traffic; undefined when not set. */
  readonly trafficBoundMs?: number;
}
