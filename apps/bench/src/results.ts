import { computeRatios, judgeTargets } from './ratios.js';
import type { BenchResults, MemoryCheck, RoundResult, RoundSample, RunInfo, ScenarioResult } from './result-types.js';
import { SCENARIOS, SCENARIO_NAMES, type ScenarioName } from './scenarios.js';
import { median, round } from './stats.js';

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
