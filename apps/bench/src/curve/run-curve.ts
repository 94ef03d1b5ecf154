import { setTimeout as sleep } from 'node:timers/promises';
import { createFixtures } from '../fixtures.js';
import type { RoundResult } from '../result-types.js';
import { roundResult } from '../results.js';
import { loadConfig, measure, startLoad, startServer, stopChild, type Pair, type RunOptions } from '../run.js';
import { round } from '../stats.js';
import { CURVE_SERIES, curvePoint, type CurveResults, type CurveSeries } from './curve-results.js';

/** Options of {@link runCurve}: those of a bench run (its scenarios are the curve's two), and the levels. */
export interface CurveOptions extends Omit<RunOptions, 'scenarios'> {
  readonly levels: readonly number[];
}

/**
 * The latency curve: one bare grpc-js mTLS server and one Rampart full-auth server (warm token), each with its load
 * generator; after a warm-up, `settings.rounds` rounds, each measuring both servers (alternating which goes first) at
 * every level of calls in flight, from the lowest up. A point is the median of its rounds.
 */
export async function runCurve(options: CurveOptions): Promise<CurveResults> {
  const { settings } = options;
  const startedAt = new Date();
  const { fixtures, cleanup } = await createFixtures(1);
  const pairs = new Map<CurveSeries, Pair>();
  const run: RunOptions = { ...options, scenarios: CURVE_SERIES };
  try {
    for (const name of CURVE_SERIES) {
      const server = await startServer(name === 'grpc-mtls' ? 'grpc-mtls' : 'rampart-auth', name, fixtures, run);
      const load = await startLoad(loadConfig(name, server.port, fixtures, settings), name, run);
      pairs.set(name, { server: server.child, load });
    }
    for (const pair of pairs.values()) {
      await pair.load.request({ type: 'run' }, 'running');
      await sleep(settings.initialWarmupMs);
      await pair.load.request({ type: 'stop' }, 'result', 60_000);
    }
    const rounds = new Map<string, RoundResult[]>();
    for (let r = 0; r < settings.rounds; r++) {
      for (const level of options.levels) {
        const order = r % 2 === 0 ? CURVE_SERIES : [...CURVE_SERIES].reverse();
        for (const name of order) {
          const result = roundResult(await measure(pairs.get(name) as Pair, settings, level));
          const key = `${name}@${level}`;
          rounds.set(key, [...(rounds.get(key) ?? []), result]);
          options.log(
            `curve round ${r + 1}/${settings.rounds} ${name.padEnd(18)} ${String(level).padStart(4)} in flight ${result.rps.toFixed(0).padStart(7)}/s` +
              `  p50 ${result.p50_ms.toFixed(2)} ms  p99 ${result.p99_ms.toFixed(2)} ms  errors ${result.errors}`,
          );
        }
      }
    }
    const series = Object.fromEntries(
      CURVE_SERIES.map((name) => [name, options.levels.map((level) => curvePoint(level, rounds.get(`${name}@${level}`) ?? []))]),
    ) as unknown as CurveResults['series'];
    return {
      version: 1,
      kind: 'curve',
      mode: settings.mode,
      started_at: startedAt.toISOString(),
      duration_s: round((Date.now() - startedAt.getTime()) / 1000, 1),
      node: options.node.version,
      pinned: options.pin,
      settings,
      levels: options.levels,
      series,
    };
  } finally {
    for (const pair of pairs.values()) {
      await stopChild(pair.load, { type: 'exit' });
      await stopChild(pair.server, { type: 'exit' });
    }
    cleanup();
  }
}
