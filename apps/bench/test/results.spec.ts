import { describe, expect, it } from 'vitest';
import { coldRoundRatios } from '../src/ratios.js';
import type { RoundSample, RunInfo } from '../src/result-types.js';
import { buildResults } from '../src/results.js';
import { verdict } from '../src/report/markdown.js';
import { median, round } from '../src/stats.js';
import { QUICK, SCENARIO_NAMES, type ScenarioName } from '../src/scenarios.js';

/** A sample whose server spent `cpuUsPerUnit` per unit and whose generator saw `rps`. */
function sample(cpuUsPerUnit: number, rps: number, p99Ms = 5): RoundSample {
  const units = rps;
  return {
    server: { cpuUs: cpuUsPerUnit * units, units, wallMs: 1000, maxRssMb: 80, startUs: 0, endUs: 1e6, gcMs: 120, gcMaxMs: 9.5, gcCount: 40, gcMinorMs: 90, gcMajorMs: 30, heapAfterStartMb: 14.25 },
    load: { units, wallMs: 1000, p50Ms: p99Ms / 2, p99Ms, cpuUs: 40 * units },
    errors: 0,
    firstError: undefined,
    foreignCores: 0.1,
  };
}

const info: RunInfo = {
  settings: QUICK,
  startedAt: new Date('2026-01-01T00:00:00Z'),
  finishedAt: new Date('2026-01-01T00:00:40Z'),
  cpus: 2,
  node: 'v20.20.2',
  pinned: true,
  loadavgBefore: [0.1, 0.2, 0.3],
  loadavgAfter: [1, 1, 1],
};

const perScenario: Record<ScenarioName, [cpu: number, rps: number]> = {
  'grpc-plaintext': [90, 11_000],
  'grpc-mtls': [100, 10_000],
  'grpc-mtls-again': [99, 10_100],
  'grpc-mtls-interceptor': [101, 9_900],
  'grpc-mtls-options': [100, 10_000],
  'grpc-mtls-token': [102, 9_800],
  'rampart-mtls': [104, 9_600],
  'rampart-auth-warm': [108, 9_200],
  'rampart-auth-cold': [318, 3_100],
  'grpc-mtls-jose': [300, 3_300],
  'grpc-mtls-beside-rampart': [102, 9_900],
  'rampart-mtls-bare-handler': [101, 9_900],
  'nest-jwt': [330, 3_000],
  'stream-grpc-mtls': [10, 100_000],
  'stream-rampart-auth': [10.3, 97_000],
  'stream-rampart-auth-async': [11, 90_000],
};

function results() {
  const samples = new Map(
    SCENARIO_NAMES.map((name) => {
      const [cpu, rps] = perScenario[name];
      return [name, [sample(cpu, rps), sample(cpu * 1.02, rps * 0.98), sample(cpu * 3, rps / 3)]] as const;
    }),
  );
  const memory = { small_calls: 10_000, large_calls: 60_000, rss_small_mb: 100, rss_large_mb: 104, heap_small_mb: 20, heap_large_mb: 21, errors: 0 };
  return buildResults(info, samples, [200, 205, 195], memory, [210, 214, 206]);
}

describe('the results document', () => {
  it('has scenarios.<name>.{rps,p50_ms,p99_ms,cpu_us_per_req,rss_mb,errors} for every scenario', () => {
    const json = JSON.parse(JSON.stringify(results())) as Record<string, unknown> & { scenarios: Record<string, Record<string, unknown>> };
    expect(Object.keys(json.scenarios)).toEqual([...SCENARIO_NAMES]);
    for (const name of SCENARIO_NAMES) {
      const s = json.scenarios[name]!;
      for (const key of ['rps', 'p50_ms', 'p99_ms', 'cpu_us_per_req', 'rss_mb', 'errors']) {
        expect(typeof s[key], `${name}.${key}`).toBe('number');
      }
      expect(s.rounds).toHaveLength(3);
    }
    expect(json).toMatchObject({ version: 1, mode: 'quick', duration_s: 40, machine: { pinned: true, cpus: 2 } });
    expect(json.ratios).toBeTypeOf('object');
    expect(json.targets).toHaveLength(7);
  });

  it('takes medians over rounds, so one disturbed round does not move the figures', () => {
    const warm = results().scenarios['rampart-auth-warm']!;
    expect(warm.cpu_us_per_req).toBeCloseTo(108 * 1.02, 1);
    expect(warm.rps).toBeCloseTo(9_200 * 0.98, 0);
    expect(warm.errors).toBe(0);
    expect(warm.gc_pause_share).toBe(0.12);
    expect(warm.gc_max_pause_ms).toBe(9.5);
    // GC pause time per call, by kind: each round's 90 ms of minor and 30 ms of major GC over its calls (1 s windows).
    for (const round of warm.rounds) {
      expect(round.gc_minor_us_per_req).toBeCloseTo(90_000 / round.rps, 1);
      expect(round.gc_major_us_per_req).toBeCloseTo(30_000 / round.rps, 1);
    }
    expect(warm.gc_minor_us_per_req).toBeGreaterThan(warm.gc_major_us_per_req);
    expect(warm.heap_start_mb).toBe(14.25);
  });

  it('reports the heap after start-up as null when the server could not force a GC (no --expose-gc)', () => {
    const s = sample(100, 10_000);
    const withoutGc: RoundSample = { ...s, server: { ...s.server, heapAfterStartMb: Number.NaN } };
    const r = buildResults(info, new Map([['grpc-mtls', [withoutGc, withoutGc]]]), [], null);
    expect(r.scenarios['grpc-mtls']!.heap_start_mb).toBeNull();
    expect(JSON.parse(JSON.stringify(r)).scenarios['grpc-mtls'].heap_start_mb).toBeNull();
  });

  it('computes the ratios and judges the targets', () => {
    const r = results();
    expect(r.ratios.auth_warm_vs_grpc_mtls.cpu_us_per_req).toBeCloseTo(1.08, 2);
    expect(r.ratios.auth_warm_vs_grpc_mtls.rps).toBeCloseTo(0.92, 2);
    expect(r.ratios.auth_warm_vs_nest.rps).toBeCloseTo(3.07, 2);
    expect(r.ratios.rampart_mtls_vs_bare_handler.cpu_us_per_req).toBeCloseTo(104 / 101, 2);
    expect(r.ratios.grpc_beside_rampart_vs_grpc_mtls.cpu_us_per_req).toBeCloseTo(102 / 100, 2);
    expect(r.ratios.cold_verification_vs_jose).toBeCloseTo((318 - 108) / (300 - 100), 2);
    expect(r.ratios.cold_verification_vs_jose_loop).toBeCloseTo(((318 - 108) * 1.02) / 200, 2);
    expect(r.ratios.rss_growth).toBe(1.04);
    expect(r.ratios.aa_control?.cpu_us_per_req).toBeCloseTo(0.99, 3);
    expect(r.ratios.aa_control?.rounds).toMatchObject({ q1: 0.99, q3: 0.99, count: 3 });
    expect(r.baselines.jose_jwtverify_us).toBe(200);
    expect(r.baselines.rampart_verify_us).toBe(210);
    expect(r.ratios.verifier_vs_jose_loop).toBeCloseTo(1.05, 3);
    expect(Object.fromEntries(r.targets.map((t) => [t.id, t.pass]))).toEqual({
      'warm-cpu': true,
      'warm-rps': true,
      'warm-p99': true,
      'vs-nest': true,
      'cold-jose': true,
      stream: true,
      rss: true,
    });
    // Every round gives the same ratios here, so each verdict is settled.
    expect(r.targets.every((t) => t.settled === true)).toBe(true);
  });

  it('pairs the scenarios within each round for every target\'s spread: quartiles and rounds met', () => {
    // Bare grpc-js drifts from 100 to 130 µs over four rounds; Rampart is 1.00, 1.30, 1.05 and 1.20 times it in each.
    const bare = [100, 110, 120, 130];
    const factors = [1.0, 1.3, 1.05, 1.2];
    const r = buildResults(
      info,
      new Map([
        ['grpc-mtls', bare.map((cpu) => sample(cpu, 10_000))],
        ['rampart-auth-warm', bare.map((cpu, i) => sample(cpu * (factors[i] as number), 9_000))],
      ]),
      [],
      null,
    );
    const warm = r.targets.find((t) => t.id === 'warm-cpu')!;
    expect(warm.rounds).toEqual({ q1: 1.0, q3: 1.2, met: 2, count: 4 });
    // The result itself is still the ratio of the medians.
    expect(warm.value).toBeCloseTo(median(bare.map((cpu, i) => cpu * (factors[i] as number))) / median(bare), 3);
    // The middle half (1.00-1.20x) straddles the 1.10x target: whatever the medians say, this run does not settle it.
    expect(warm.settled).toBe(false);
    expect(verdict(warm)).toMatch(/^(PASS|MISS), unsettled$/);
    const rps = r.targets.find((t) => t.id === 'warm-rps')!;
    expect(rps.rounds).toEqual({ q1: 0.9, q3: 0.9, met: 4, count: 4 });
    expect(rps.settled).toBe(true);
    expect(verdict(rps)).toBe('**PASS**');
    expect(r.targets.find((t) => t.id === 'cold-jose')!.rounds).toBeNull();
    expect(r.targets.find((t) => t.id === 'rss')!.rounds).toBeNull();
  });

  it('computes the cold-verification ratio within each round from its four scenarios', () => {
    expect(
      coldRoundRatios({
        'rampart-auth-cold': results().scenarios['rampart-auth-cold'],
        'rampart-auth-warm': results().scenarios['rampart-auth-warm'],
        'grpc-mtls-jose': results().scenarios['grpc-mtls-jose'],
        'grpc-mtls': results().scenarios['grpc-mtls'],
      }).map((x) => round(x, 3)),
    ).toEqual([1.05, 1.05, 1.05]);
    expect(coldRoundRatios({})).toEqual([]);
  });

  it('leaves ratios of scenarios that did not run null, and their targets undecided', () => {
    const r = buildResults(info, new Map([['grpc-mtls', [sample(100, 10_000)]]]), [], null);
    expect(Object.keys(r.scenarios)).toEqual(['grpc-mtls']);
    expect(r.ratios.auth_warm_vs_grpc_mtls.rps).toBeNull();
    expect(r.targets.every((t) => t.pass === null && t.settled === null)).toBe(true);
    expect(verdict(r.targets[0]!)).toBe('n/a');
  });
});
