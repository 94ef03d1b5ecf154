import { parseArgs } from 'node:util';
import type { ClientKind } from './load/transport.js';
import { FULL, FULL_RUN_ONLY, QUICK, SCENARIO_NAMES, type ScenarioName, type Settings } from './scenarios.js';

export const USAGE = `usage: pnpm bench [--quick] [options]

  --quick                   3 rounds of short windows, no 1M-call memory run (under a minute)
  --rounds N                rounds per epoch (each scenario once per round, alternating)
  --epochs N                fresh server and load processes N times
  --measure-ms N            measured window per scenario and round
  --only a,b                only these scenarios (${SCENARIO_NAMES.join(', ')});
                            a quick run leaves out ${[...FULL_RUN_ONLY].join(', ')} unless named here
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
      },
      strict: true,
    }));
  } catch (error) {
    // parseArgs says what was wrong ("Unknown option '--x'", "Option '--rounds <value>' argument missing").
    throw new UsageError(error instanceof Error ? error.message.split('. ')[0] ?? error.message : String(error));
  }

  const base: Settings = values.quick ? QUICK : FULL;
  const positive = (flag: string, text: string | undefined, fallback: number): number => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${flag} takes a positive integer, got '${text}'`);
    return n;
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
    ...(values['no-memory'] ? { memorySmall: 0, memoryLarge: 0 } : {}),
  };

  const only = values.only?.split(',').map((s) => s.trim());
  for (const name of only ?? []) {
    if (!(SCENARIO_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(`--only: unknown scenario '${name}' (known: ${SCENARIO_NAMES.join(', ')})`);
    }
  }
  if (values['server-output'] === '') throw new UsageError('--server-output takes a directory');

  return {
    help: values.help,
    settings,
    scenarios: (only as ScenarioName[] | undefined) ?? SCENARIO_NAMES.filter((name) => !(values.quick && FULL_RUN_ONLY.has(name))),
    pin: !values['no-pin'],
    profile: values.profile,
    serverOutputDir: values['server-output'],
  };
}
