import { RAMPART_AUTH } from '@rampart/auth';
import { definePlugin, type RampartPlugin } from '@rampart/core';
import { MemoryBuckets, type BucketStore } from './bucket-store.js';
import { rateLimitConfigSchema, type RateLimitConfig } from './config-schema.js';
import { GuardedBuckets, outageEffect } from './guarded-buckets.js';
import { LimiterMetrics } from './limiter-metrics.js';
import { RateLimiter, rateLimitDeclaration } from './rate-limiter.js';
import { RedisBuckets } from './redis-buckets.js';
import { RedisLink } from './redis-link.js';
import { rateLimitSettingsFromConfig } from './settings.js';

/**
 * The plugin's name, for other plugins' `dependencies`.
 *
 * @example
 * ```ts
 * definePlugin({ name: 'quota-admin', dependencies: [RAMPART_RATELIMIT], register() {} });
 * ```
 */
export const RAMPART_RATELIMIT = 'rampart-ratelimit';

/**
 * Rate limits: token buckets declared with `@RateLimit` on service classes and methods, or by config
 * (`ratelimit.methods` per method path, `ratelimit.defaultLimit` for the rest), kept per principal, SPIFFE ID, method or a
 * key of the app's own. A call over its budget ends with RESOURCE_EXHAUSTED, a `RetryInfo` detail (when the next
 * token comes) and a `QuotaFailure` detail, before the handler runs. Buckets are in memory (bounded by
 * `ratelimit.memory.maxKeys`) or, with `ratelimit.store` `redis`, shared by every replica through one Lua script per
 * call; when Redis fails, `ratelimit.redis.failureMode` decides (default `closed`: UNAVAILABLE).
 *
 * It depends on `rampart-auth`, so its check runs after authentication (the principal is known) and costs nothing on
 * a method without a limit.
 *
 * @example
 * ```ts
 * const app = await createApp({ name: 'orders', services: [OrdersService], protos, plugins: [rampartAuth(), rampartRateLimit()] });
 * ```
 */
export function rampartRateLimit(): RampartPlugin<RateLimitConfig> {
  return definePlugin({
    name: RAMPART_RATELIMIT,
    dependencies: [RAMPART_AUTH],
    configSchema: rateLimitConfigSchema,
    interceptors: [rateLimitDeclaration],
    register(ctx) {
      const settings = rateLimitSettingsFromConfig(ctx.config);
      const metrics = new LimiterMetrics();
      const { redis } = settings;
      const link = redis && new RedisLink({ ...redis, outageEffect: outageEffect(redis.failureMode) }, ctx.logger);
      const store: BucketStore =
        redis && link
          ? new GuardedBuckets(new RedisBuckets(link, redis.keyPrefix), redis.failureMode, ctx.logger, metrics, settings)
          : new MemoryBuckets(settings.maxKeys);
      const limiter = new RateLimiter(settings, store, ctx.logger, metrics);
      ctx.addInterceptor(limiter);
      ctx.on('onInit', () => limiter.checkConfiguredPaths());
      if (link) {
        ctx.on('onInit', () => link.open());
        ctx.on('onClose', () => link.close());
      }
    },
  });
}
