import { defineConfigSchema, type ConfigOf } from '@rampart/core';
import { KEY_KINDS, limitProblem } from './limit.js';

/** A limit as config gives it (`ratelimit.methods`): the key is one of the kinds (a function exists only in code). */
export interface ConfiguredLimit {
  readonly capacity: number;
  readonly refillPerSecond: number;
  readonly key?: 'principal' | 'peer' | 'method';
  readonly bucket?: string;
}

const LIMIT_KEYS = new Set(['capacity', 'refillPerSecond', 'key', 'bucket']);
const METHOD_PATH = /^\/[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+\/[A-Za-z_]\w*$/;

/** convict format of `ratelimit.methods`: `{ "/package.Service/Method": { capacity, refillPerSecond, key?, bucket? } | "off" }`. */
function methodLimits(value: unknown): asserts value is Readonly<Record<string, ConfiguredLimit | 'off'>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('must be a JSON object keyed by method path');
  for (const [path, limit] of Object.entries(value as Record<string, unknown>)) {
    if (!METHOD_PATH.test(path)) throw new Error(`"${path.slice(0, 80)}" is not a method path such as /acme.orders.v1.OrdersService/PlaceOrder`);
    if (limit === 'off') continue;
    if (typeof limit !== 'object' || limit === null || Array.isArray(limit)) throw new Error(`"${path}" must be { capacity, refillPerSecond, key? } or "off"`);
    const unknown = Object.keys(limit).find((key) => !LIMIT_KEYS.has(key));
    if (unknown !== undefined) throw new Error(`"${path}": unknown key "${unknown.slice(0, 40)}" (known: ${[...LIMIT_KEYS].join(', ')})`);
    const problem = limitProblem(limit);
    if (problem !== undefined) throw new Error(`"${path}": ${problem}`);
    if (typeof (limit as { key?: unknown }).key === 'function') throw new Error(`"${path}": key must be one of ${KEY_KINDS.join(', ')}`);
  }
}

/** convict format of `ratelimit.redis.url`: empty (not set) or a `redis://` / `rediss://` URL. */
function redisUrl(value: unknown): asserts value is string {
  if (value === '') return;
  if (typeof value !== 'string' || !URL.canParse(value)) throw new Error('must be a redis:// or rediss:// URL');
  const { protocol } = new URL(value);
  if (protocol !== 'redis:' && protocol !== 'rediss:') throw new Error('must be a redis:// or rediss:// URL');
}

/**
 * The rate-limit plugin's settings, under `ratelimit.*`. Limits come from `@RateLimit` on the service classes and from
 * here: `ratelimit.methods` (per method path, over any decorator) and `ratelimit.defaultLimit` (every other method). The
 * Redis URL can carry a password, so it is sensitive: only from `RAMPART_RATELIMIT_REDIS_URL` or the file named by
 * `RAMPART_RATELIMIT_REDIS_URL_FILE`.
 *
 * @example
 * ```ts
 * // RAMPART_RATELIMIT_METHODS='{"/acme.orders.v1.OrdersService/PlaceOrder":{"capacity":20,"refillPerSecond":5}}'
 * const config = loadConfig({ schemas: [serverConfigSchema, rateLimitConfigSchema] });
 * ```
 */
export const rateLimitConfigSchema = defineConfigSchema({
  ratelimit: {
    enabled: {
      doc: 'Apply the rate limits. false: no method is limited (load tests; the limits stay declared).',
      format: Boolean,
      default: true,
      env: 'RAMPART_RATELIMIT_ENABLED',
    },
    store: {
      doc: 'Where the buckets are: memory (each replica its own budget) or redis (replicas share one, ratelimit.redis.*).',
      format: ['memory', 'redis'],
      default: 'memory',
      env: 'RAMPART_RATELIMIT_STORE',
    },
    defaultLimit: {
      capacity: {
        doc: 'A limit for every method without one of its own (a @RateLimit or a ratelimit.methods entry): calls at once. 0: none.',
        format: 'nat',
        default: 0,
        env: 'RAMPART_RATELIMIT_DEFAULT_CAPACITY',
      },
      refillPerSecond: {
        doc: 'Calls a second the default limit refills; above 0 when ratelimit.defaultLimit.capacity is set.',
        format: Number,
        default: 0,
        env: 'RAMPART_RATELIMIT_DEFAULT_REFILL_PER_SECOND',
      },
      key: {
        doc: "Whose budget the default limit counts: principal (the token's subject, else the peer), peer (the SPIFFE ID) or method (everyone's).",
        format: [...KEY_KINDS],
        default: 'principal',
        env: 'RAMPART_RATELIMIT_DEFAULT_KEY',
      },
    },
    methods: {
      doc: 'Limits by method path, over any @RateLimit: a JSON object { "/package.Service/Method": { capacity, refillPerSecond, key?, bucket? } | "off" }. A path the app does not serve stops start-up.',
      format: methodLimits,
      default: {},
      env: 'RAMPART_RATELIMIT_METHODS',
    },
    logIntervalMs: {
      doc: 'At most one warn line per method in this time while calls are refused (with the number refused since the last); each refused call is logged at debug.',
      format: 'duration-ms',
      default: 10_000,
      env: 'RAMPART_RATELIMIT_LOG_INTERVAL_MS',
    },
    memory: {
      maxKeys: {
        doc: 'The most buckets kept in memory (memory store, and the local fallback): past it the least recently used goes. At most about 450 bytes each (keys over 128 characters are hashed): 45 MB at 100000.',
        format: 'nat',
        default: 100_000,
        env: 'RAMPART_RATELIMIT_MEMORY_MAX_KEYS',
      },
    },
    redis: {
      url: {
        doc: 'Redis URL for store redis, redis[s]://[user:password@]host:port[/db]. Sensitive (it may carry a password): only from the environment or a file.',
        format: redisUrl,
        default: '',
        sensitive: true,
        env: 'RAMPART_RATELIMIT_REDIS_URL',
      },
      keyPrefix: {
        doc: 'Prefix of every bucket key. Replicas that share budgets use the same prefix.',
        format: 'non-empty-string',
        default: 'rampart:ratelimit:',
        env: 'RAMPART_RATELIMIT_REDIS_KEY_PREFIX',
      },
      commandTimeoutMs: {
        doc: 'Longest wait for Redis on a call; past it the call is handled by ratelimit.redis.failureMode.',
        format: 'duration-ms',
        default: 200,
        env: 'RAMPART_RATELIMIT_REDIS_COMMAND_TIMEOUT_MS',
      },
      connectTimeoutMs: {
        doc: 'Longest wait for the first connection at start-up; start-up fails past it.',
        format: 'duration-ms',
        default: 5_000,
        env: 'RAMPART_RATELIMIT_REDIS_CONNECT_TIMEOUT_MS',
      },
      failureMode: {
        doc: 'When Redis fails or does not answer in time: closed (the call is refused, UNAVAILABLE), open (it passes, unlimited) or local (it is limited by this replica alone, in memory).',
        format: ['closed', 'open', 'local'],
        default: 'closed',
        env: 'RAMPART_RATELIMIT_REDIS_FAILURE_MODE',
      },
    },
  },
});

/** The rate-limit plugin's config, `ratelimit.*`. */
export type RateLimitConfig = ConfigOf<typeof rateLimitConfigSchema>;
