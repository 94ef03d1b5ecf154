import { parseArgs } from 'node:util';

/** The harness's settings, from the command line. */
export interface Flags {
  readonly quick: boolean;
  /** Minutes of soak (steady load with long-lived streams, no faults); undefined: the fault schedule. */
  readonly soakMinutes?: number;
  readonly only: readonly string[];
  readonly rate: number;
  readonly invalidRate: number;
  readonly channels: number;
  readonly streams: number;
  readonly inventoryReplicas: number;
  readonly ordersReplicas: number;
  readonly steadyMs: number;
  readonly tokenTtlSec: number;
  readonly loopback: boolean;
  readonly resultsDir?: string;
  readonly list: boolean;
  /** Result files to compare (no run): a Markdown table of them side by side. */
  readonly compare: readonly string[];
  readonly help: boolean;
}

export const USAGE = `pnpm chaos [-- options]
  --quick                 the short schedule (CI; under 3 minutes)
  --soak <minutes>        steady load with long-lived streams and no faults; fails unless memory stays flat
  --only <names>          only these faults (comma-separated, parts of their names), e.g. --only rotation,redis
  --list                  print the schedule and exit
  --compare <a,b,…>       no run: earlier runs' chaos.json files side by side, as a Markdown table
  --rate <calls/s>        valid calls started per second through orders, all four kinds (default 40)
  --invalid-rate <n/s>    invalid calls per second, every attack in turn (default 4)
  --channels <n>          client channels of the valid load, each its own connections (default 100; quick 32)
  --streams <n>           long-lived streams during --soak (default 500)
  --inventory <n>         inventory replicas (default 3; quick 2)
  --orders <n>            orders replicas (default 2)
  --steady <s>            steady load before the first fault (default 10; quick 5)
  --token-ttl <s>         access token lifetime at the issuer (default 30; soak 300)
  --loopback              127.77.x.y addresses instead of network namespaces
  --results <dir>         where to write chaos.json, chaos.svg and warnings.log (default apps/chaos/results)`;

function num(v: string | undefined, d: number, what: string, min = 0): number {
  if (v === undefined) return d;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min) throw new Error(`--${what}: expected a number >= ${min}, got ${v}`);
  return n;
}

/** Parses the command line; throws with a message naming the flag for a bad value. */
export function parseFlags(argv: readonly string[]): Flags {
  const { values } = parseArgs({
    args: [...argv].filter((a) => a !== '--'),
    options: {
      quick: { type: 'boolean', default: false },
      soak: { type: 'string' },
      only: { type: 'string' },
      list: { type: 'boolean', default: false },
      compare: { type: 'string' },
      rate: { type: 'string' },
      'invalid-rate': { type: 'string' },
      channels: { type: 'string' },
      streams: { type: 'string' },
      inventory: { type: 'string' },
      orders: { type: 'string' },
      steady: { type: 'string' },
      'token-ttl': { type: 'string' },
      loopback: { type: 'boolean', default: false },
      results: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  const quick = values.quick ?? false;
  const soakMinutes = values.soak === undefined ? undefined : num(values.soak, 0, 'soak', 1);
  if (soakMinutes !== undefined && (quick || values.only !== undefined)) throw new Error('--soak runs no faults: it cannot be combined with --quick or --only');
  return {
    quick,
    ...(soakMinutes !== undefined ? { soakMinutes } : {}),
    only: values.only ? values.only.split(',').map((s) => s.trim()).filter((s) => s !== '') : [],
    rate: num(values.rate, 40, 'rate', 1),
    invalidRate: num(values['invalid-rate'], 4, 'invalid-rate', 0.1),
    channels: Math.round(num(values.channels, quick ? 32 : 100, 'channels', 1)),
    streams: Math.round(num(values.streams, 500, 'streams', 1)),
    inventoryReplicas: Math.round(num(values.inventory, quick ? 2 : 3, 'inventory', 2)),
    ordersReplicas: Math.round(num(values.orders, 2, 'orders', 2)),
    steadyMs: 1_000 * num(values.steady, quick ? 5 : 10, 'steady'),
    tokenTtlSec: Math.round(num(values['token-ttl'], soakMinutes !== undefined ? 300 : 30, 'token-ttl', 10)),
    loopback: values.loopback ?? false,
    ...(values.results ? { resultsDir: values.results } : {}),
    list: values.list ?? false,
    compare: values.compare ? values.compare.split(',').map((s) => s.trim()).filter((s) => s !== '') : [],
    help: values.help ?? false,
  };
}
