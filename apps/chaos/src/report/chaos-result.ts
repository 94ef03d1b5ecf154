import type { LoggedCause } from './process-warnings.js';

/** What happened during one fault (from its start to the next fault's). Times are ms since the run's start. */
export interface FaultResult {
  readonly name: string;
  readonly planned: boolean;
  readonly expected: string;
  readonly allowed: readonly string[];
  readonly fromMs: number;
  /** When the fault's own steps ended (the rest of its window is recovery). */
  readonly stepsEndMs: number;
  readonly toMs: number;
  readonly validCalls: number;
  readonly validFailed: number;
  /** Failed valid calls by status. */
  readonly failedBy: Readonly<Record<string, number>>;
  /** Why valid calls failed: the most frequent (kind, status, message), with when the first and the last started. */
  readonly causes: readonly FailureCause[];
  readonly invalidCalls: number;
  readonly invalidAccepted: number;
  readonly p99Ms: number;
  /** From the end of the fault's steps to the start of the last valid call that failed in its window; 0 when none failed after it. */
  readonly recoveryMs: number;
  /** What the system's processes logged at warn and above during the window, most frequent first (when calls failed). */
  readonly logged?: readonly LoggedCause[];
  /** The steps' own error (the schedule stops there). */
  readonly error?: string;
  readonly verdict: 'pass' | 'FAIL';
  /** Why it failed, when it did. */
  readonly reason?: string;
}

/** A group of failed valid calls with one kind, status and message. */
export interface FailureCause {
  readonly kind: string;
  readonly status: string;
  readonly details: string;
  readonly count: number;
  readonly firstMs: number;
  readonly lastMs: number;
}

/** One second of the run. */
export interface SecondResult {
  readonly valid: number;
  readonly failed: number;
  readonly invalid: number;
  readonly accepted: number;
  readonly p99Ms: number;
}

/** Everything a chaos run produced: written as JSON, rendered as tables and the SVG timeline. */
export interface ChaosResult {
  readonly startedAt: string;
  readonly durationMs: number;
  readonly mode: 'quick' | 'full' | 'soak' | 'only';
  readonly network: { readonly kind: 'netns' | 'loopback'; readonly cidr: string };
  readonly settings: Readonly<Record<string, string | number | boolean>>;
  readonly faults: readonly FaultResult[];
  readonly total: { readonly validCalls: number; readonly validFailed: number; readonly invalidCalls: number; readonly invalidAccepted: number };
  /** Invalid attempts by kind: made, accepted. */
  readonly attacks: Readonly<Record<string, { readonly calls: number; readonly accepted: number; readonly statuses: Readonly<Record<string, number>> }>>;
  readonly perSecond: readonly SecondResult[];
  /** RSS (MB) per process, one value per sample time. */
  /** Per process, each sample: RSS, and V8's used and committed heap where the process reports them (soak replicas). */
  readonly memory: Readonly<Record<string, readonly { readonly atMs: number; readonly rssMb: number; readonly heapUsedMb?: number; readonly heapTotalMb?: number }[]>>;
  /** Invalid calls that were accepted (the first 40): there should be none. */
  readonly acceptedAttacks: readonly { readonly atMs: number; readonly kind: string; readonly fault: string }[];
  readonly soak?: SoakVerdict;
  readonly passed: boolean;
}

/** One process over a soak: its RSS, and for a replica the live heap's floor and the memory outside V8's heap. */
export interface SoakProcess {
  readonly process: string;
  /** Mean RSS of the first third: warm-up (bounded caches filling), shown, not judged. */
  readonly warmUpMb: number;
  /** Mean RSS of the middle and the last third of the samples, and the growth between them (0.05 = 5 %). */
  readonly middleThirdMb: number;
  readonly lastThirdMb: number;
  readonly growth: number;
  /** The lowest used heap in the middle and last third (what survives garbage collection) and its growth. */
  readonly heapFloor?: { readonly firstMb: number; readonly lastMb: number; readonly growth: number };
  /** Mean RSS minus V8's committed heap (native memory: TLS, HTTP/2, buffers) in the middle and last third. */
  readonly outsideHeap?: { readonly firstMb: number; readonly lastMb: number; readonly growth: number };
  /** RSS within the tolerance, or (when the process reports its heap) both the heap floor and the rest are. */
  readonly flat: boolean;
}

/** Whether memory stayed flat over a soak, per process ({@link SoakProcess}). */
export interface SoakVerdict {
  readonly minutes: number;
  readonly streams: number;
  readonly processes: readonly SoakProcess[];
  readonly flat: boolean;
}
