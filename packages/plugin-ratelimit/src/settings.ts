import { RampartError, type ConfigReader } from '@rampart/core';
import type { ConfiguredLimit, RateLimitConfig } from './config-schema.js';
import { checkLimit } from './limit.js';

/** What to do with a call when Redis fails: refuse it (UNAVAILABLE), let it pass, or limit it in this process. */
export type FailureMode = 'closed' | 'open' | 'local';

/** The rate-limit plugin's settings, read from `ratelimit.*` and checked. */
export interface RateLimitSettings {
  readonly enabled: boolean;
  readonly store: 'memory' | 'redis';
  /** The limit of methods without one of their own, if any. */
  readonly defaultLimit: ConfiguredLimit | undefined;
  /** Limits (or `off`) by method path, over decorators. */
  readonly methods: Readonly<Record<string, ConfiguredLimit | 'off'>>;
  readonly logIntervalMs: number;
  readonly maxKeys: number;
  /** Set when `store` is `redis`. */
  readonly redis:
    | { readonly url: string; readonly keyPrefix: string; readonly commandTimeoutMs: number; readonly connectTimeoutMs: number; readonly failureMode: FailureMode }
    | undefined;
}

/**
 * Reads the settings; what is wrong stops start-up naming the key and the fix (`ERR_CONFIG_INVALID`): a default limit
 * without a refill rate, a store of `redis` without a URL, room for no bucket.
 *
 * @example
 * ```ts
 * const settings = rateLimitSettingsFromConfig(ctx.config);
 * ```
 */
export function rateLimitSettingsFromConfig(config: ConfigReader<RateLimitConfig>): RateLimitSettings {
  const capacity = config.get('ratelimit.defaultLimit.capacity');
  let defaultLimit: ConfiguredLimit | undefined;
  if (capacity > 0) {
    const limit = { capacity, refillPerSecond: config.get('ratelimit.defaultLimit.refillPerSecond'), key: config.get('ratelimit.defaultLimit.key') };
    checkLimit(limit, 'ratelimit.defaultLimit', 'set RAMPART_RATELIMIT_DEFAULT_REFILL_PER_SECOND (ratelimit.defaultLimit.refillPerSecond) above 0, or the capacity to 0 for no default limit');
    defaultLimit = limit;
  }
  const maxKeys = config.get('ratelimit.memory.maxKeys');
  if (maxKeys < 1) {
    throw new RampartError('ERR_CONFIG_INVALID', 'ratelimit.memory.maxKeys is 0: the store needs room for 1 bucket at least. Fix: set RAMPART_RATELIMIT_MEMORY_MAX_KEYS to 1 or more (default 100000)');
  }
  const store = config.get('ratelimit.store');
  return {
    enabled: config.get('ratelimit.enabled'),
    store,
    defaultLimit,
    methods: config.get('ratelimit.methods'),
    logIntervalMs: config.get('ratelimit.logIntervalMs'),
    maxKeys,
    redis: store === 'redis' ? redisSettings(config) : undefined,
  };
}

function redisSettings(config: ConfigReader<RateLimitConfig>): NonNullable<RateLimitSettings['redis']> {
  const url = config.get('ratelimit.redis.url');
  if (url === '') {
    throw new RampartError(
      'ERR_CONFIG_INVALID',
      'ratelimit.store is redis but ratelimit.redis.url is not set. Fix: set RAMPART_RATELIMIT_REDIS_URL, or RAMPART_RATELIMIT_REDIS_URL_FILE to a file holding the URL (or RAMPART_RATELIMIT_STORE=memory)',
    );
  }
  return {
    url,
    keyPrefix: config.get('ratelimit.redis.keyPrefix'),
    commandTimeoutMs: config.get('ratelimit.redis.commandTimeoutMs'),
    connectTimeoutMs: config.get('ratelimit.redis.connectTimeoutMs'),
    failureMode: config.get('ratelimit.redis.failureMode'),
  };
}
