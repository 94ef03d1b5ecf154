import type { LoadWindow, ServerWindow } from './ipc.js';
import type { ScenarioName, Settings } from './scenarios.js';

/** What one scenario measured in one round: the server's window and the generator's. */
export interface RoundSample {
  readonly server: ServerWindow;
  readonly load: LoadWindow;
  readonly errors: number;
  readonly firstError: string | undefined;
  /** Average number of cores busy with other processes during the window (NaN when unknown). */
  readonly foreignCores: number;
}

/** One round's figures. */
export interface RoundResult {
  readonly rps: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly cpu_us_per_req: number;
  readonly server_cpu_util: number;
  readonly gen_cpu_us_per_req: number;
  readonly rss_mb: number;
  readonly errors: number;
  readonly foreign_cores: number;
  /** Share of the window the server spent in GC pauses, and its longest pause (ms). */
  readonly gc_pause_share: number;
  readonly gc_max_pause_ms: number;
  /** GC pause time per call (per message for streams), µs: minor GCs (scavenges) and major ones (mark-compact). */
  readonly gc_minor_us_per_req: number;
  readonly gc_major_us_per_req: number;
  /** The server's heap in use right after start-up, after forced GCs (MB; null when GC could not be forced). */
  readonly heap_start_mb: number | null;
}

/** A scenario's figures: the median over rounds (errors summed, RSS the peak). */
export interface ScenarioResult extends RoundResult {
  readonly label: string;
  readonly description: string;
  readonly unit: 'calls' | 'messages';
  readonly first_error?: string;
  readonly rounds: readonly RoundResult[];
}

export interface MemoryCheck {
  readonly small_calls: number;
  readonly large_calls: number;
  readonly rss_small_mb: number;
  readonly rss_large_mb: number;
  readonly heap_small_mb: number;
  readonly heap_large_mb: number;
  readonly errors: number;
}

export interface Target {
  readonly id: string;
  readonly label: string;
  /** The measured value (from the scenarios' medians), null when a scenario it needs did not run. */
  readonly value: number | null;
  readonly op: '<=' | '>=';
  readonly limit: number;
  readonly pass: boolean | null;
  /**
   * The same ratio within each round (the scenarios of one round run seconds apart, so the machine's drift hits both
   * alike): its middle half (first to third quartile) and how many rounds met the target. Null for a target without
   * rounds (memory) or when a scenario did not run.
   */
  readonly rounds: RoundSpread | null;
  /**
   * Whether this run settles the verdict: the ratio's middle half over the rounds lies wholly on the verdict's side
   * of the target (a pass whose rounds' first quartile misses it, or a miss whose third quartile meets it, is not
   * settled: the machine's noise alone could turn it). True for a target without rounds; null without a value.
   */
  readonly settled: boolean | null;
}

/** How a target's ratio spread over the rounds. */
export interface RoundSpread {
  readonly q1: number;
  readonly q3: number;
  readonly met: number;
  readonly count: number;
}

export interface Ratios {
  readonly auth_warm_vs_grpc_mtls: { readonly cpu_us_per_req: number | null; readonly rps: number | null; readonly p99_ms: number | null };
  readonly rampart_mtls_vs_grpc_mtls: { readonly cpu_us_per_req: number | null; readonly rps: number | null; readonly p99_ms: number | null };
  readonly grpc_mtls_vs_plaintext: { readonly cpu_us_per_req: number | null; readonly rps: number | null };
  readonly auth_warm_vs_nest: { readonly rps: number | null; readonly cpu_us_per_req: number | null };
  /**
   * What Rampart's cold path adds over its warm path, against what raw jose `jwtVerify` adds to a bare grpc-js
   * server: (cold − warm server CPU per call) / (grpc-js + jose − grpc-js mTLS server CPU per call).
   */
  readonly cold_verification_vs_jose: number | null;
  /** (cold − warm server CPU per call) / raw jose jwtVerify CPU per call in a tight loop (no server around it). */
  readonly cold_verification_vs_jose_loop: number | null;
  readonly stream_rampart_vs_grpc: { readonly rps: number | null; readonly cpu_us_per_req: number | null };
  /** The same with an async generator handler. */
  readonly stream_rampart_async_vs_grpc: { readonly rps: number | null; readonly cpu_us_per_req: number | null };
  /** grpc-js receiving (and ignoring) the token header vs without: what carrying the token costs. */
  readonly grpc_token_header_vs_grpc_mtls: { readonly cpu_us_per_req: number | null; readonly rps: number | null };
  /** grpc-js with one pass-through server interceptor vs without: what the interceptor layer costs. */
  readonly grpc_interceptor_vs_grpc_mtls: { readonly cpu_us_per_req: number | null; readonly rps: number | null };
  /** @RequireMtls's own per-call work: the app against the same app with grpc-js's bare handler swapped in. */
  readonly rampart_mtls_vs_bare_handler: { readonly cpu_us_per_req: number | null };
  /** What a loaded Rampart app in the process costs bare grpc-js (heap, modules): bare beside it against bare alone. */
  readonly grpc_beside_rampart_vs_grpc_mtls: { readonly cpu_us_per_req: number | null; readonly gc_minor: number | null };
  /** Rampart's `TokenVerifier` vs raw jose `jwtVerify`, CPU per verification in the same tight loop (no server). */
  readonly verifier_vs_jose_loop?: number | null;
  /** RSS after the large number of calls / after the small number. */
  readonly rss_growth: number | null;
  /**
   * The A/A control: the same bare grpc-js mTLS server in a second process vs the first, CPU per call (the median
   * ratio and its middle half over the rounds). Ideally 1.00; how far it is off is the noise of this run.
   */
  readonly aa_control?: { readonly cpu_us_per_req: number | null; readonly rounds: RoundSpread | null };
}

export interface BenchResults {
  readonly version: 1;
  readonly mode: Settings['mode'];
  readonly started_at: string;
  readonly finished_at: string;
  readonly duration_s: number;
  readonly machine: {
    readonly cpus: number;
    readonly node: string;
    readonly pinned: boolean;
    readonly loadavg_before: readonly number[];
    readonly loadavg_after: readonly number[];
    /** Median over all windows of the cores busy with processes other than the bench's. */
    readonly foreign_cores_median: number | null;
  };
  readonly settings: Settings;
  readonly scenarios: Partial<Record<ScenarioName, ScenarioResult>>;
  readonly baselines: {
    readonly jose_jwtverify_us: number | null;
    readonly jose_rounds_us: readonly number[];
    /** Rampart's `TokenVerifier` in the same loop as raw jose (every token a cache miss). */
    readonly rampart_verify_us: number | null;
    readonly rampart_verify_rounds_us: readonly number[];
  };
  readonly memory: MemoryCheck | null;
  readonly ratios: Ratios;
  readonly targets: readonly Target[];
}

/** Everything {@link buildResults} needs besides the measurements. */
export interface RunInfo {
  readonly settings: Settings;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly cpus: number;
  readonly node: string;
  readonly pinned: boolean;
  readonly loadavgBefore: readonly number[];
  readonly loadavgAfter: readonly number[];
}
