import { parseArgs } from 'node:util';
import type { ClientKind } from './load/transport.js';
import { NodeRuntimeError, parseNodeSpec, type NodeSpec } from './node-runtime.js';
import { CURVE_LEVELS } from './curve/curve-results.js';
import {
  FULL,
  FULL_RUN_ONLY,
  MATRIX_NODES,
  MATRIX_SCENARIOS,
  QUICK,
  SCENARIO_NAMES,
  STARTUP_NAME,
  type ScenarioName,
  type Settings,
} from './scenarios.js';

export const USAGE = `usage: pnpm bench [--quick] [--node 22|24|<path>] [--matrix | --curve] [options]

  --quick                   3 rounds of short windows, no 1M-call memory run (under a minute)
  --rounds N                rounds per epoch (each scenario once per round, alternating)
  --epochs N                fresh server and load processes N times
  --measure-ms N            measured window per scenario and round
  --only a,b                only these scenarios (${SCENARIO_NAMES.join(', ')}),
                            and ${STARTUP_NAME} (start-up times); a quick run leaves out
                            ${[...FULL_RUN_ONLY].join(', ')} unless named here
  --node 22|24|<path>       servers and load generators run on that Node: a major version is
                            fetched once into .cache/node (scripts/with-node.sh); default: this one
  --matrix                  the key scenarios and start-up on Node ${MATRIX_NODES.join(', ')}, one after the other:
                            one table and one chart (results/matrix.{json,md,svg})
  --matrix-nodes a,b        the majors (or binaries) --matrix runs on
  --curve                   latency curve: p50/p99 against req/s at ${CURVE_LEVELS.join(', ')} calls in
                            flight, bare grpc-js mTLS vs Rampart full auth (results/curve.{json,md,svg})
  --curve-levels a,b        the calls in flight --curve measures at
  --startup-runs N          timed starts per server in the start-up measurement (0: none)
  --no-memory               skip the RSS check after 100,000 and 1,000,000 calls
  --no-pin                  do not pin the server and the load to separate cores
  --no-settle-gc            no forced major GC in each warm-up
  --client lite|node-http2  the load generator's HTTP/2 client (default lite)
  --profile                 servers run with --cpu-prof (results/profiles/)
  --server-node-args="..."  Node/V8 flags for every server process
  --server-output <dir>     keep each server's stdout there (e.g. with --trace-gc-nvp)
  --help                    this text`;

/** A command line the bench cannot run: the message says which argument and what it accepts. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** What the command line asks for. */
export interface CliRequest {
  readonly help: boolean;
  readonly settings: Settings;
  readonly scenarios: ScenarioName[];
  readonly pin: boolean;
  readonly profile: boolean;
  readonly serverOutputDir: string | undefined;
  /** Whether the start-up measurement runs (`settings.startupRuns` starts per server). */
  readonly startup: boolean;
  /** `--node`: undefined for the running Node. */
  readonly node: NodeSpec | undefined;
  /** `--matrix`: the Node versions to run on, in order; undefined without `--matrix`. */
  readonly matrix: readonly NodeSpec[] | undefined;
  /** `--curve`: the calls in flight to measure at; undefined without `--curve`. */
  readonly curve: readonly number[] | undefined;
}

/**
 * Parses `pnpm bench`'s arguments (after `pnpm`'s own `--`, which is dropped) into settings, on top of the full or
 * the quick defaults. Throws {@link UsageError} for an unknown option, a missing or malformed value, or an unknown
 * scenario.
 *
 * @example
 * ```ts
 * const { settings, scenarios } = parseCli(['--quick', '--only', 'grpc-mtls,rampart-auth-warm']);
 * ```
 */
export function parseCli(argv: readonly string[]): CliRequest {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv.filter((a) => a !== '--'),
      options: {
        help: { type: 'boolean', short: 'h', default: false },
        quick: { type: 'boolean', default: false },
        rounds: { type: 'string' },
        epochs: { type: 'string' },
        'measure-ms': { type: 'string' },
        only: { type: 'string' },
        'no-memory': { type: 'boolean', default: false },
        'no-pin': { type: 'boolean', default: false },
        'no-settle-gc': { type: 'boolean', default: false },
        profile: { type: 'boolean', default: false },
        client: { type: 'string' },
        'server-node-args': { type: 'string' },
        'server-output': { type: 'string' },
        node: { type: 'string' },
        matrix: { type: 'boolean', default: false },
        'matrix-nodes': { type: 'string' },
        curve: { type: 'boolean', default: false },
        'curve-levels': { type: 'string' },
        'startup-runs': { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    // parseArgs says what was wrong ("Unknown option '--x'", "Option '--rounds <value>' argument missing").
    throw new UsageError(error instanceof Error ? error.message.split('. ')[0] ?? error.message : String(error));
  }

  const base: Settings = values.quick ? QUICK : FULL;
  const positive = (flag: string, text: string | undefined, fallback: number, min = 1): number => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${flag} takes a ${min === 0 ? 'whole number' : 'positive integer'}, got '${text}'`);
    return n;
  };
  const nodeSpec = (flag: string, text: string): NodeSpec => {
    try {
      return parseNodeSpec(text);
    } catch (error) {
      throw new UsageError(error instanceof NodeRuntimeError ? error.message.replace('--node', `--${flag}`) : String(error));
    }
  };
  const client = (text: string | undefined): ClientKind => {
    if (text === undefined) return base.client;
    if (text !== 'lite' && text !== 'node-http2') throw new UsageError(`--client takes lite or node-http2, got '${text}'`);
    return text;
  };
  const settings: Settings = {
    ...base,
    rounds: positive('rounds', values.rounds, base.rounds),
    epochs: positive('epochs', values.epochs, base.epochs),
    measureMs: positive('measure-ms', values['measure-ms'], base.measureMs),
    client: client(values.client),
    serverNodeArgs: values['server-node-args']?.split(' ').filter((a) => a !== '') ?? base.serverNodeArgs,
    settleGc: !values['no-settle-gc'],
    startupRuns: positive('startup-runs', values['startup-runs'], base.startupRuns, 0),
    ...(values['no-memory'] ? { memorySmall: 0, memoryLarge: 0 } : {}),
  };

  const only = values.only?.split(',').map((s) => s.trim());
  for (const name of only ?? []) {
    if (name !== STARTUP_NAME && !(SCENARIO_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(`--only: unknown scenario '${name}' (known: ${SCENARIO_NAMES.join(', ')}, ${STARTUP_NAME})`);
    }
  }
  if (values['server-output'] === '') throw new UsageError('--server-output takes a directory');
  if (values.matrix && values.curve) throw new UsageError('--matrix and --curve do not combine: run them one after the other');
  if (values.matrix && values.node !== undefined) throw new UsageError('--matrix runs on several Nodes: name them with --matrix-nodes, not --node');
  if (!values.matrix && values['matrix-nodes'] !== undefined) throw new UsageError('--matrix-nodes goes with --matrix');
  if (!values.curve && values['curve-levels'] !== undefined) throw new UsageError('--curve-levels goes with --curve');
  const list = (text: string): string[] => text.split(',').map((t) => t.trim()).filter((t) => t !== '');
  const matrix = values.matrix
    ? (values['matrix-nodes'] === undefined ? MATRIX_NODES.map(String) : list(values['matrix-nodes'])).map((t) => nodeSpec('matrix-nodes', t))
    : undefined;
  if (matrix?.length === 0) throw new UsageError('--matrix-nodes takes a list of majors or paths, got none');
  const curve = values.curve
    ? values['curve-levels'] === undefined
      ? CURVE_LEVELS
      : list(values['curve-levels']).map((t) => positive('curve-levels', t, 1))
    : undefined;
  if (curve?.length === 0) throw new UsageError('--curve-levels takes a list of positive integers, got none');
  const defaults = values.matrix ? MATRIX_SCENARIOS : SCENARIO_NAMES.filter((name) => !(values.quick && FULL_RUN_ONLY.has(name)));

  return {
    help: values.help,
    settings,
    scenarios: only === undefined ? [...defaults] : (only.filter((name) => name !== STARTUP_NAME) as ScenarioName[]),
    pin: !values['no-pin'],
    profile: values.profile,
    serverOutputDir: values['server-output'],
    startup: !values.curve && settings.startupRuns > 0 && (only === undefined || only.includes(STARTUP_NAME)),
    node: values.node === undefined ? undefined : nodeSpec('node', values.node),
    matrix,
    curve,
  };
}
