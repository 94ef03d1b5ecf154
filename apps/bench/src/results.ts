import type { LoadWindow, ServerWindow } from './ipc.js';
import { SCENARIOS, SCENARIO_NAMES, type ScenarioName, type Settings } from './scenarios.js';
import { median, percentile, round } from './stats.js';

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

const finite = (n: number): number | null => (Number.isFinite(n) ? n : null);

/** The median of the values that are there, or null when none is. */
function medianOrNull(values: readonly (number | null)[], digits: number): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0 ? null : round(median(present), digits);
}

/** One round's figures from its raw windows. */
export function roundResult(sample: RoundSample): RoundResult {
  const { server, load } = sample;
  return {
    rps: round(load.units / (load.wallMs / 1000), 1),
    p50_ms: round(load.p50Ms, 3),
    p99_ms: round(load.p99Ms, 3),
    cpu_us_per_req: round(server.cpuUs / server.units, 2),
    server_cpu_util: round(server.cpuUs / 1000 / server.wallMs, 3),
    gen_cpu_us_per_req: round(load.cpuUs / load.units, 2),
    rss_mb: round(server.maxRssMb, 1),
    errors: sample.errors,
    foreign_cores: round(sample.foreignCores, 2),
    gc_pause_share: round(server.gcMs / server.wallMs, 3),
    gc_max_pause_ms: round(server.gcMaxMs, 1),
    gc_minor_us_per_req: round((server.gcMinorMs * 1000) / server.units, 2),
    gc_major_us_per_req: round((server.gcMajorMs * 1000) / server.units, 2),
    heap_start_mb: finite(round(server.heapAfterStartMb, 2)),
  };
}

/** A scenario's result from its rounds: medians, summed errors, peak RSS. */
export function scenarioResult(name: ScenarioName, samples: readonly RoundSample[]): ScenarioResult {
  const rounds = samples.map(roundResult);
  const med = (key: Exclude<keyof RoundResult, 'heap_start_mb'>, digits: number): number =>
    round(median(rounds.map((r) => r[key])), digits);
  const firstError = samples.find((s) => s.firstError !== undefined)?.firstError;
  const scenario = SCENARIOS[name];
  return {
    label: scenario.label,
    description: scenario.description,
    unit: scenario.unit,
    rps: med('rps', 1),
    p50_ms: med('p50_ms', 3),
    p99_ms: med('p99_ms', 3),
    cpu_us_per_req: med('cpu_us_per_req', 2),
    server_cpu_util: med('server_cpu_util', 3),
    gen_cpu_us_per_req: med('gen_cpu_us_per_req', 2),
    rss_mb: Math.max(...rounds.map((r) => r.rss_mb)),
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    foreign_cores: med('foreign_cores', 2),
    gc_pause_share: med('gc_pause_share', 3),
    gc_max_pause_ms: med('gc_max_pause_ms', 1),
    gc_minor_us_per_req: med('gc_minor_us_per_req', 2),
    gc_major_us_per_req: med('gc_major_us_per_req', 2),
    heap_start_mb: medianOrNull(rounds.map((r) => r.heap_start_mb), 2),
    ...(firstError !== undefined ? { first_error: firstError } : {}),
    rounds,
  };
}

/** The ratios the targets are judged on. */
export function computeRatios(
  scenarios: BenchResults['scenarios'],
  joseUs: number | null,
  memory: MemoryCheck | null,
): Ratios {
  const ratio = (a: ScenarioName, b: ScenarioName, key: 'cpu_us_per_req' | 'rps' | 'p99_ms' | 'gc_minor_us_per_req'): number | null => {
    const x = scenarios[a]?.[key];
    const y = scenarios[b]?.[key];
    return x === undefined || y === undefined ? null : finite(round(x / y, 3));
  };
  const warm = scenarios['rampart-auth-warm']?.cpu_us_per_req;
  const cold = scenarios['rampart-auth-cold']?.cpu_us_per_req;
  const joseInServer = scenarios['grpc-mtls-jose']?.cpu_us_per_req;
  const bare = scenarios['grpc-mtls']?.cpu_us_per_req;
  return {
    auth_warm_vs_grpc_mtls: {
      cpu_us_per_req: ratio('rampart-auth-warm', 'grpc-mtls', 'cpu_us_per_req'),
      rps: ratio('rampart-auth-warm', 'grpc-mtls', 'rps'),
      p99_ms: ratio('rampart-auth-warm', 'grpc-mtls', 'p99_ms'),
    },
    rampart_mtls_vs_grpc_mtls: {
      cpu_us_per_req: ratio('rampart-mtls', 'grpc-mtls', 'cpu_us_per_req'),
      rps: ratio('rampart-mtls', 'grpc-mtls', 'rps'),
      p99_ms: ratio('rampart-mtls', 'grpc-mtls', 'p99_ms'),
    },
    grpc_mtls_vs_plaintext: {
      cpu_us_per_req: ratio('grpc-mtls', 'grpc-plaintext', 'cpu_us_per_req'),
      rps: ratio('grpc-mtls', 'grpc-plaintext', 'rps'),
    },
    auth_warm_vs_nest: {
      rps: ratio('rampart-auth-warm', 'nest-jwt', 'rps'),
      cpu_us_per_req: ratio('rampart-auth-warm', 'nest-jwt', 'cpu_us_per_req'),
    },
    cold_verification_vs_jose:
      warm === undefined || cold === undefined || joseInServer === undefined || bare === undefined
        ? null
        : finite(round((cold - warm) / (joseInServer - bare), 3)),
    cold_verification_vs_jose_loop:
      warm === undefined || cold === undefined || joseUs === null ? null : finite(round((cold - warm) / joseUs, 3)),
    stream_rampart_vs_grpc: {
      rps: ratio('stream-rampart-auth', 'stream-grpc-mtls', 'rps'),
      cpu_us_per_req: ratio('stream-rampart-auth', 'stream-grpc-mtls', 'cpu_us_per_req'),
    },
    stream_rampart_async_vs_grpc: {
      rps: ratio('stream-rampart-auth-async', 'stream-grpc-mtls', 'rps'),
      cpu_us_per_req: ratio('stream-rampart-auth-async', 'stream-grpc-mtls', 'cpu_us_per_req'),
    },
    grpc_token_header_vs_grpc_mtls: {
      cpu_us_per_req: ratio('grpc-mtls-token', 'grpc-mtls', 'cpu_us_per_req'),
      rps: ratio('grpc-mtls-token', 'grpc-mtls', 'rps'),
    },
    grpc_interceptor_vs_grpc_mtls: {
      cpu_us_per_req: ratio('grpc-mtls-interceptor', 'grpc-mtls', 'cpu_us_per_req'),
      rps: ratio('grpc-mtls-interceptor', 'grpc-mtls', 'rps'),
    },
    rampart_mtls_vs_bare_handler: { cpu_us_per_req: ratio('rampart-mtls', 'rampart-mtls-bare-handler', 'cpu_us_per_req') },
    grpc_beside_rampart_vs_grpc_mtls: {
      cpu_us_per_req: ratio('grpc-mtls-beside-rampart', 'grpc-mtls', 'cpu_us_per_req'),
      gc_minor: ratio('grpc-mtls-beside-rampart', 'grpc-mtls', 'gc_minor_us_per_req'),
    },
    rss_growth: memory === null ? null : finite(round(memory.rss_large_mb / memory.rss_small_mb, 3)),
    aa_control: {
      cpu_us_per_req: ratio('grpc-mtls-again', 'grpc-mtls', 'cpu_us_per_req'),
      rounds: spreadOf(roundRatios(scenarios, 'grpc-mtls-again', 'grpc-mtls', 'cpu_us_per_req'), '<=', 1.1),
    },
  };
}

type RoundKey = 'cpu_us_per_req' | 'rps' | 'p99_ms';

/** `a / b` within each round, for the rounds both scenarios ran (empty when either did not run). */
export function roundRatios(scenarios: BenchResults['scenarios'], a: ScenarioName, b: ScenarioName, key: RoundKey): number[] {
  const x = scenarios[a]?.rounds ?? [];
  const y = scenarios[b]?.rounds ?? [];
  return x.slice(0, y.length).map((r, i) => r[key] / (y[i] as RoundResult)[key]);
}

/** The cold-verification ratio within each round: (cold − warm) / (grpc-js + jose − grpc-js mTLS), CPU per call. */
export function coldRoundRatios(scenarios: BenchResults['scenarios']): number[] {
  const [cold, warm, jose, bare] = (['rampart-auth-cold', 'rampart-auth-warm', 'grpc-mtls-jose', 'grpc-mtls'] as const).map(
    (name) => scenarios[name]?.rounds ?? [],
  ) as [readonly RoundResult[], readonly RoundResult[], readonly RoundResult[], readonly RoundResult[]];
  const count = Math.min(cold.length, warm.length, jose.length, bare.length);
  return Array.from({ length: count }, (_, i) => {
    const rampart = (cold[i] as RoundResult).cpu_us_per_req - (warm[i] as RoundResult).cpu_us_per_req;
    return rampart / ((jose[i] as RoundResult).cpu_us_per_req - (bare[i] as RoundResult).cpu_us_per_req);
  });
}

/** The middle half of `ratios` and how many meet `op limit`; null for no rounds. */
export function spreadOf(ratios: readonly number[], op: Target['op'], limit: number): RoundSpread | null {
  const finiteRatios = ratios.filter(Number.isFinite);
  if (finiteRatios.length === 0) return null;
  const sorted = [...finiteRatios].sort((p, q) => p - q);
  return {
    q1: round(percentile(sorted, 25), 3),
    q3: round(percentile(sorted, 75), 3),
    met: sorted.filter((r) => (op === '<=' ? r <= limit : r >= limit)).length,
    count: sorted.length,
  };
}

/** The targets, judged on the ratios; each with its spread over the rounds. Reported, never asserted. */
export function judgeTargets(ratios: Ratios, memory: MemoryCheck | null, scenarios: BenchResults['scenarios'] = {}): Target[] {
  const perRound: Record<string, number[]> = {
    'warm-cpu': roundRatios(scenarios, 'rampart-auth-warm', 'grpc-mtls', 'cpu_us_per_req'),
    'warm-rps': roundRatios(scenarios, 'rampart-auth-warm', 'grpc-mtls', 'rps'),
    'warm-p99': roundRatios(scenarios, 'rampart-auth-warm', 'grpc-mtls', 'p99_ms'),
    'vs-nest': roundRatios(scenarios, 'rampart-auth-warm', 'nest-jwt', 'rps'),
    'cold-jose': coldRoundRatios(scenarios),
    stream: roundRatios(scenarios, 'stream-rampart-auth', 'stream-grpc-mtls', 'rps'),
  };
  const target = (id: string, label: string, value: number | null, op: Target['op'], limit: number): Target => {
    const meets = (ratio: number): boolean => (op === '<=' ? ratio <= limit : ratio >= limit);
    const pass = value === null ? null : meets(value);
    const rounds = value === null ? null : spreadOf(perRound[id] ?? [], op, limit);
    const settled = pass === null ? null : rounds === null || (meets(rounds.q1) === pass && meets(rounds.q3) === pass);
    return { id, label, value, op, limit, pass, rounds, settled };
  };
  const memoryLabel = memory
    ? `RSS after ${memory.large_calls.toLocaleString('en-US')} vs ${memory.small_calls.toLocaleString('en-US')} authenticated calls`
    : 'RSS flat between 100k and 1M authenticated calls';
  return [
    target('warm-cpu', 'Rampart full auth (warm) server CPU/call vs bare grpc-js mTLS', ratios.auth_warm_vs_grpc_mtls.cpu_us_per_req, '<=', 1.1),
    target('warm-rps', 'Rampart full auth (warm) requests/s vs bare grpc-js mTLS', ratios.auth_warm_vs_grpc_mtls.rps, '>=', 0.9),
    target('warm-p99', 'Rampart full auth (warm) p99 vs bare grpc-js mTLS', ratios.auth_warm_vs_grpc_mtls.p99_ms, '<=', 1.2),
    target('vs-nest', 'Rampart full auth (warm) requests/s vs NestJS + JWT guard', ratios.auth_warm_vs_nest.rps, '>=', 1.5),
    target(
      'cold-jose',
      'cold verification cost (Rampart cold − warm CPU/call) vs raw jose jwtVerify per call (grpc-js + jose − grpc-js)',
      ratios.cold_verification_vs_jose,
      '<=',
      1.1,
    ),
    target('stream', 'streaming messages/s, Rampart full auth vs bare grpc-js mTLS', ratios.stream_rampart_vs_grpc.rps, '>=', 0.95),
    target('rss', memoryLabel, ratios.rss_growth, '<=', 1.1),
  ];
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

/** The results document (`results/latest.json`) from the samples of every round. */
export function buildResults(
  info: RunInfo,
  samples: ReadonlyMap<ScenarioName, readonly RoundSample[]>,
  joseRounds: readonly number[],
  memory: MemoryCheck | null,
  verifierRounds: readonly number[] = [],
): BenchResults {
  const scenarios: BenchResults['scenarios'] = {};
  for (const name of SCENARIO_NAMES) {
    const list = samples.get(name);
    if (list !== undefined && list.length > 0) scenarios[name] = scenarioResult(name, list);
  }
  const joseUs = joseRounds.length > 0 ? round(median([...joseRounds]), 2) : null;
  const verifierUs = verifierRounds.length > 0 ? round(median([...verifierRounds]), 2) : null;
  const ratios = {
    ...computeRatios(scenarios, joseUs, memory),
    verifier_vs_jose_loop: joseUs === null || verifierUs === null ? null : finite(round(verifierUs / joseUs, 3)),
  };
  const foreign = Object.values(scenarios)
    .flatMap((s) => s.rounds.map((r) => r.foreign_cores))
    .filter(Number.isFinite);
  return {
    version: 1,
    mode: info.settings.mode,
    started_at: info.startedAt.toISOString(),
    finished_at: info.finishedAt.toISOString(),
    duration_s: round((info.finishedAt.getTime() - info.startedAt.getTime()) / 1000, 1),
    machine: {
      cpus: info.cpus,
      node: info.node,
      pinned: info.pinned,
      loadavg_before: info.loadavgBefore.map((l) => round(l, 2)),
      loadavg_after: info.loadavgAfter.map((l) => round(l, 2)),
      foreign_cores_median: foreign.length > 0 ? round(median(foreign), 2) : null,
    },
    settings: info.settings,
    scenarios,
    baselines: {
      jose_jwtverify_us: joseUs,
      jose_rounds_us: [...joseRounds],
      rampart_verify_us: verifierUs,
      rampart_verify_rounds_us: [...verifierRounds],
    },
    memory,
    ratios,
    targets: judgeTargets(ratios, memory, scenarios),
  };
}

/** The scenario names present in `results`, in report order. */
export function presentScenarios(results: Pick<BenchResults, 'scenarios'>): ScenarioName[] {
  return SCENARIO_NAMES.filter((name) => results.scenarios[name] !== undefined);
}
