import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Child, pin } from './child.js';
import { createFixtures } from './fixtures.js';
import {
  LOAD_ENV,
  SERVER_ENV,
  type Fixtures,
  type FromLoad,
  type FromServer,
  type LoadConfig,
  type ServerKind,
  type ToLoad,
  type ToServer,
} from './ipc.js';
import type { NodeRuntime } from './node-runtime.js';
import { LOAD_SCRIPT, RESULTS_DIR, SERVER_SCRIPT } from './paths.js';
import type { BenchResults, MemoryCheck, RoundSample, RunInfo } from './result-types.js';
import { buildResults, scenarioResult } from './results.js';
import { SCENARIOS, type ScenarioName, type Settings } from './scenarios.js';
import { round } from './stats.js';

type ServerChild = Child<ToServer, FromServer>;
type LoadChild = Child<ToLoad, FromLoad>;

/** What to run. */
export interface RunOptions {
  readonly settings: Settings;
  readonly scenarios: readonly ScenarioName[];
  /** The Node every server and load generator runs on (`--node`). */
  readonly node: NodeRuntime;
  /** Pin the server to core 0 and the load to core 1. */
  readonly pin: boolean;
  /** Run the servers with `--cpu-prof` (profiles in `results/profiles/`). */
  readonly profile: boolean;
  /** Progress lines (stderr). */
  readonly log: (line: string) => void;
  /** Keep each server's stdout in `<dir>/<server>-<time>.log` (default: discarded). */
  readonly serverOutputDir?: string;
}

const SERVER_CORE = 0;
const LOAD_CORE = 1;
const JOSE_CONCURRENCY = 16;

/** Busy and total jiffies of all cores, from /proc/stat (undefined where there is none). */
function cpuTimes(): { busy: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [, ...fields] = line.trim().split(/\s+/).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    return { busy: user + nice + system + irq + softirq + steal };
  } catch {
    return undefined;
  }
}

export async function startServer(
  kind: ServerKind,
  name: string,
  fixtures: Fixtures,
  options: RunOptions,
  nodeArgs: readonly string[] = [],
): Promise<{ child: ServerChild; port: number }> {
  const profileArgs = options.profile
    ? ['--cpu-prof', `--cpu-prof-dir=${join(RESULTS_DIR, 'profiles')}`, `--cpu-prof-name=${name}.cpuprofile`]
    : [];
  const child = Child.spawn<ToServer, FromServer>(
    {
      script: SERVER_SCRIPT,
      env: { [SERVER_ENV]: JSON.stringify({ kind, fixtures }) },
      name: `server ${name}`,
      node: options.node.path,
      ...(options.serverOutputDir === undefined ? {} : { stdoutFile: join(options.serverOutputDir, `${name}-${Date.now()}.log`) }),
      nodeArgs: [...options.settings.serverNodeArgs, ...(options.settings.settleGc ? ['--expose-gc'] : []), ...nodeArgs, ...profileArgs],
    },
    false,
  );
  const { port } = await child.next('ready', 60_000);
  // Started on any core so start-up runs in parallel; from now on every thread stays on the server core.
  if (options.pin) pin(child.pid, SERVER_CORE);
  return { child, port };
}

export async function startLoad(config: LoadConfig, name: string, options: RunOptions): Promise<LoadChild> {
  const nodeArgs = options.profile
    ? ['--cpu-prof', `--cpu-prof-dir=${join(RESULTS_DIR, 'profiles')}`, `--cpu-prof-name=load-${name}.cpuprofile`]
    : [];
  const child = Child.spawn<ToLoad, FromLoad>(
    { script: LOAD_SCRIPT, env: { [LOAD_ENV]: JSON.stringify(config) }, name: `load ${name}`, core: LOAD_CORE, nodeArgs, node: options.node.path },
    options.pin,
  );
  await child.next('ready', 60_000);
  return child;
}

export function loadConfig(name: ScenarioName, port: number, fixtures: Fixtures, settings: Settings): LoadConfig {
  const s = SCENARIOS[name];
  const stream = s.method === 'stream';
  return {
    port,
    client: settings.client,
    tls: s.tls,
    fixtures,
    method: s.method,
    tokens: s.tokens,
    concurrency: stream ? settings.streamConcurrency : settings.concurrency,
    connections: settings.connections,
    streamMessages: settings.streamMessages,
  };
}

/** A server process and the load generator aimed at it. */
export interface Pair {
  readonly server: ServerChild;
  readonly load: LoadChild;
}

/** Runs the closed loop for `ms` without measuring (warm-up); returns the errors it saw. */
async function warm(pair: Pair, ms: number): Promise<number> {
  await pair.load.request({ type: 'run' }, 'running');
  await sleep(ms);
  return (await pair.load.request({ type: 'stop' }, 'result', 60_000)).errors;
}

/**
 * One measured window of one scenario: the loop warms up, then server and generator measure together; `concurrency`
 * calls in flight instead of the configured number (the latency curve).
 */
export async function measure(pair: Pair, settings: Settings, concurrency?: number): Promise<RoundSample> {
  await pair.load.request(concurrency === undefined ? { type: 'run' } : { type: 'run', concurrency }, 'running');
  if (settings.settleGc) {
    // First thing in the warm-up: a major GC deoptimizes a few dozen hot functions of every server ("weak objects"),
    // and the whole warm-up is then left for them to be optimized again before the window starts.
    await pair.server.request({ type: 'major-gc' }, 'major-gc');
    await sleep(settings.warmupMs);
  } else {
    await sleep(settings.warmupMs);
  }
  const before = cpuTimes();
  await pair.server.request({ type: 'start' }, 'started');
  pair.load.send({ type: 'measure' });
  await sleep(settings.measureMs);
  const [serverWindow, result] = await Promise.all([
    pair.server.request({ type: 'stop' }, 'window'),
    pair.load.request({ type: 'stop' }, 'result', 60_000),
  ]);
  const after = cpuTimes();
  const wallS = serverWindow.wallMs / 1000;
  const ours = (serverWindow.cpuUs + result.cpuUs) / 1e6;
  const foreignCores = before && after ? ((after.busy - before.busy) / 100 - ours) / wallS : Number.NaN;
  return {
    server: serverWindow,
    load: result,
    errors: result.errors,
    firstError: result.firstError,
    foreignCores: Math.max(0, foreignCores),
  };
}

async function memoryCheck(fixtures: Fixtures, options: RunOptions): Promise<MemoryCheck> {
  const { settings } = options;
  const server = await startServer('rampart-auth', 'memory', fixtures, { ...options, profile: false }, ['--expose-gc']);
  const load = await startLoad(loadConfig('rampart-auth-warm', server.port, fixtures, settings), 'memory', { ...options, profile: false });
  try {
    const count = (calls: number) => load.request({ type: 'count', calls }, 'done', 30 * 60_000);
    const first = await count(settings.memorySmall);
    const small = await server.child.request({ type: 'rss' }, 'rss');
    options.log(`memory: ${settings.memorySmall} calls, RSS ${small.rssMb.toFixed(1)} MB`);
    const second = await count(settings.memoryLarge - settings.memorySmall);
    const large = await server.child.request({ type: 'rss' }, 'rss');
    options.log(`memory: ${settings.memoryLarge} calls, RSS ${large.rssMb.toFixed(1)} MB`);
    return {
      small_calls: settings.memorySmall,
      large_calls: settings.memoryLarge,
      rss_small_mb: round(small.rssMb, 1),
      rss_large_mb: round(large.rssMb, 1),
      heap_small_mb: round(small.heapUsedMb, 1),
      heap_large_mb: round(large.heapUsedMb, 1),
      errors: first.errors + second.errors,
    };
  } finally {
    await stopChild(load, { type: 'exit' });
    await stopChild(server.child, { type: 'exit' });
  }
}

export async function stopChild<I extends { type: string }>(child: Child<I, { type: string }>, exit: I): Promise<void> {
  child.send(exit);
  const timer = setTimeout(() => child.kill(), 5_000);
  await child.exit;
  clearTimeout(timer);
}

/**
 * Runs the benchmark: one server process per scenario (and one for raw jose), kept warm for an epoch; in each epoch
 * its share of the `rounds` rounds, each measuring every scenario once (the order rotates by one each round) and raw
 * jose verification, so drift on the machine hits all alike; every epoch starts fresh processes. Then the memory
 * check on a fresh server.
 */
export async function runBench(options: RunOptions): Promise<BenchResults> {
  const { settings } = options;
  const startedAt = new Date();
  const loadBefore = loadavg();
  options.log(`minting ${settings.coldTokens} tokens and creating the PKI…`);
  const { fixtures, cleanup } = await createFixtures(settings.coldTokens);
  if (options.profile) mkdirSync(join(RESULTS_DIR, 'profiles'), { recursive: true });
  const servers = new Map<ScenarioName, { child: ServerChild; port: number }>();
  const pairs = new Map<ScenarioName, Pair>();
  let jose: ServerChild | undefined;
  const startAll = async (): Promise<ServerChild> => {
    options.log(`starting ${options.scenarios.length} servers and their load generators…`);
    const joseStart = startServer('jose-baseline', 'jose', fixtures, options);
    await Promise.all([
      joseStart,
      ...options.scenarios.map(async (name) => servers.set(name, await startServer(SCENARIOS[name].server, name, fixtures, options))),
    ]);
    const joseChild = (await joseStart).child;
    jose = joseChild;
    await Promise.all(
      options.scenarios.map(async (name) => {
        const server = servers.get(name) as { child: ServerChild; port: number };
        const load = await startLoad(loadConfig(name, server.port, fixtures, settings), name, options);
        pairs.set(name, { server: server.child, load });
      }),
    );
    return joseChild;
  };
  const stopAll = async (): Promise<void> => {
    await Promise.all([...pairs.values()].map((p) => stopChild(p.load, { type: 'exit' })));
    pairs.clear();
    await Promise.all([...servers.values()].map((s) => stopChild(s.child, { type: 'exit' })));
    servers.clear();
    if (jose !== undefined) await stopChild(jose, { type: 'exit' });
    jose = undefined;
  };
  try {
    const samples = new Map<ScenarioName, RoundSample[]>(options.scenarios.map((n) => [n, []]));
    const joseRounds: number[] = [];
    const verifierRounds: number[] = [];
    // Epochs: every server and generator process is started afresh for each, so that one process's luck (JIT
    // decisions, heap layout: ±15 % here) does not decide a scenario's figure. Profiling keeps one epoch.
    const epochs = options.profile ? 1 : Math.min(settings.epochs, settings.rounds);
    let r = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      const joseChild = await startAll();
      // A first, unmeasured pass over every scenario, so the JIT has compiled the hot paths before the rounds.
      const warmupErrors = new Map<ScenarioName, number>();
      for (const name of options.scenarios) warmupErrors.set(name, await warm(pairs.get(name) as Pair, settings.initialWarmupMs));
      for (const verifier of ['jose', 'rampart'] as const) {
        await joseChild.request({ type: 'jose', durationMs: 300, concurrency: JOSE_CONCURRENCY, verifier }, 'jose'); // JIT warm-up
      }

      const until = Math.round((settings.rounds * (epoch + 1)) / epochs);
      for (let first = true; r < until; r++, first = false) {
        const order = options.scenarios.map((_, i) => options.scenarios[(i + r) % options.scenarios.length] as ScenarioName);
        for (const name of order) {
          const sample = await measure(pairs.get(name) as Pair, settings);
          const extra = first ? (warmupErrors.get(name) ?? 0) : 0;
          samples.get(name)?.push(extra > 0 ? { ...sample, errors: sample.errors + extra } : sample);
          const rr = scenarioResult(name, [sample]);
          options.log(
            `round ${r + 1}/${settings.rounds} ${name.padEnd(21)} ${rr.rps.toFixed(0).padStart(7)}/s  cpu ${rr.cpu_us_per_req.toFixed(1).padStart(6)} µs  p99 ${rr.p99_ms.toFixed(2)} ms  errors ${rr.errors}`,
          );
        }
        // Raw jose and Rampart's verifier, alternating which goes first.
        for (const verifier of r % 2 === 0 ? (['jose', 'rampart'] as const) : (['rampart', 'jose'] as const)) {
          const j = await joseChild.request({ type: 'jose', durationMs: settings.joseMs, concurrency: JOSE_CONCURRENCY, verifier }, 'jose');
          (verifier === 'jose' ? joseRounds : verifierRounds).push(round(j.cpuUs / j.verifies, 2));
          const label = verifier === 'jose' ? 'jose jwtVerify        ' : 'Rampart TokenVerifier ';
          options.log(`round ${r + 1}/${settings.rounds} ${label} cpu ${(j.cpuUs / j.verifies).toFixed(1)} µs/verify`);
        }
      }
      if (options.profile) {
        const windows = Object.fromEntries([...samples].map(([name, list]) => [name, list.map((x) => [x.server.startUs, x.server.endUs])]));
        writeFileSync(join(RESULTS_DIR, 'profiles', 'windows.json'), `${JSON.stringify(windows, null, 2)}\n`);
      }
      await stopAll();
    }

    let memory: MemoryCheck | null = null;
    if (settings.memoryLarge > 0) {
      options.log(`memory check: ${settings.memorySmall} then ${settings.memoryLarge} authenticated calls…`);
      memory = await memoryCheck(fixtures, options);
    }
    const info: RunInfo = {
      settings,
      startedAt,
      finishedAt: new Date(),
      cpus: cpus().length,
      node: options.node.version,
      pinned: options.pin,
      loadavgBefore: loadBefore,
      loadavgAfter: loadavg(),
    };
    return buildResults(info, samples, joseRounds, memory, verifierRounds);
  } finally {
    for (const p of pairs.values()) p.load.kill();
    for (const s of servers.values()) s.child.kill();
    jose?.kill();
    cleanup();
  }
}
