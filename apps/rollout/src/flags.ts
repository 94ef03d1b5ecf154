import { parseArgs } from 'node:util';
import type { ServiceKind } from './cluster/cluster-env.js';

/** The harness's settings, from the command line. */
export interface Flags {
  readonly beforeMs: number;
  readonly afterMs: number;
  readonly rate: number;
  readonly channels: number;
  readonly inventoryReplicas: number;
  readonly ordersReplicas: number;
  readonly restart: readonly ServiceKind[];
  /** How many replicas of each rolled service to replace (default: all). */
  readonly replace?: number;
  readonly endpointsLagMs: number;
  readonly betweenMs: number;
  readonly terminationGraceMs: number;
  readonly loopback: boolean;
  readonly resultsDir?: string;
  /** Extra RAMPART_* settings for every replica (KEY=VALUE, repeatable). */
  readonly serverEnv: Readonly<Record<string, string>>;
  readonly help: boolean;
}

export const USAGE = `pnpm rollout [-- options]
  --before <s>            steady load before the rolling restarts (default 15)
  --after <s>             steady load after them (default 10)
  --rate <calls/s>        calls started per second through orders, all four kinds (default 40)
  --channels <n>          client channels of the load driver (default 8)
  --inventory <n>         inventory replicas (default 3)
  --orders <n>            orders replicas (default 2)
  --restart <list>        services to roll, in order (default inventory,orders)
  --replace <n>           replace only the first n replicas of each rolled service (default: all)
  --endpoints-lag <ms>    from removing a replica from DNS to its SIGTERM (default 1000)
  --between <ms>          pause between two replicas (default 1000)
  --termination-grace <ms> SIGKILL after this long (default 15000: drain delay + shutdown grace + 3 s)
  --loopback              127.77.x.y addresses instead of network namespaces
  --results <dir>         where to write rollout.json and rollout.svg (default apps/rollout/results)
  --env KEY=VALUE         a setting for every replica, e.g. --env RAMPART_SERVER_DRAIN_DELAY_MS=2000`;

const seconds = (v: string | undefined, d: number) => Math.round(1_000 * num(v, d / 1_000, 'seconds'));

function num(v: string | undefined, d: number, what: string): number {
  if (v === undefined) return d;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${what}: expected a number >= 0, got ${v}`);
  return n;
}

/** Parses the command line; throws with a message for a bad value. */
export function parseFlags(argv: readonly string[]): Flags {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      before: { type: 'string' },
      after: { type: 'string' },
      rate: { type: 'string' },
      channels: { type: 'string' },
      inventory: { type: 'string' },
      orders: { type: 'string' },
      restart: { type: 'string' },
      replace: { type: 'string' },
      'endpoints-lag': { type: 'string' },
      between: { type: 'string' },
      'termination-grace': { type: 'string' },
      loopback: { type: 'boolean' },
      results: { type: 'string' },
      env: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const restart = (values.restart ?? 'inventory,orders').split(',').filter((s) => s !== '');
  for (const r of restart) if (r !== 'inventory' && r !== 'orders') throw new Error(`--restart: unknown service ${r}`);
  const serverEnv: Record<string, string> = {};
  for (const pair of values.env ?? []) {
    const m = /^(RAMPART_[A-Z0-9_]+)=(.*)$/.exec(pair);
    if (!m?.[1]) throw new Error(`--env: expected RAMPART_NAME=value, got ${pair}`);
    serverEnv[m[1]] = m[2] ?? '';
  }
  const rate = num(values.rate, 40, '--rate');
  if (rate <= 0) throw new Error('--rate must be above 0');
  return {
    beforeMs: seconds(values.before, 15_000),
    afterMs: seconds(values.after, 10_000),
    rate,
    channels: Math.max(1, Math.round(num(values.channels, 8, '--channels'))),
    inventoryReplicas: Math.max(1, Math.round(num(values.inventory, 3, '--inventory'))),
    ordersReplicas: Math.max(1, Math.round(num(values.orders, 2, '--orders'))),
    restart: restart as ServiceKind[],
    ...(values.replace !== undefined ? { replace: Math.max(1, Math.round(num(values.replace, 1, '--replace'))) } : {}),
    endpointsLagMs: num(values['endpoints-lag'], 1_000, '--endpoints-lag'),
    betweenMs: num(values.between, 1_000, '--between'),
    terminationGraceMs: num(values['termination-grace'], 15_000, '--termination-grace'),
    loopback: values.loopback ?? false,
    ...(values.results !== undefined ? { resultsDir: values.results } : {}),
    serverEnv,
    help: values.help ?? false,
  };
}
