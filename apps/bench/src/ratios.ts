import type { BenchResults, MemoryCheck, Ratios, RoundResult, RoundSpread, Target } from './result-types.js';
import type { ScenarioName } from './scenarios.js';
import { percentile, round } from './stats.js';

const finite = (n: number): number | null => (Number.isFinite(n) ? n : null);

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
