import { RampartError, richDetails, type CallContext, type Interceptor, type InterceptorDeclaration, type Logger, type MethodInterceptor, type MethodPlan } from '@rampart/core';
import { bucketIds } from './bucket-ids.js';
import type { BucketStore } from './bucket-store.js';
import type { ResolvedLimit } from './limit.js';
import type { LimiterMetrics } from './limiter-metrics.js';
import { checkDeclaredLimit, describeLimit, resolveLimit } from './method-limit.js';
import type { RateLimitSettings } from './settings.js';
import { ThrottledLine } from './throttled-line.js';

/** The name of the rate limiter's interceptor, as `rampart routes` lists it. */
export const RATE_LIMIT_INTERCEPTOR = 'rampart-ratelimit';

/** The message a refused call gets on the wire, with RESOURCE_EXHAUSTED (RetryInfo and QuotaFailure in the details). */
export const RATE_LIMITED_MESSAGE = 'rate limit exceeded, retry later';

/**
 * What planning knows of the limiter: it may run for every method (config can limit any of them), and a bad
 * `@RateLimit` is a start-up problem of the method it is on.
 */
export const rateLimitDeclaration: InterceptorDeclaration = { name: RATE_LIMIT_INTERCEPTOR, appliesTo: appliesToMethod };

function appliesToMethod(plan: MethodPlan): boolean {
  checkDeclaredLimit(plan);
  return true;
}

/**
 * The rate limiter: asked once per method at start-up, it returns nothing for a method without a limit (which then
 * pays nothing) and, for one with a limit, an `onStart` hook that takes a token before the handler runs. The hook runs
 * after the auth plugin's (the plugin depends on it), so the principal is known; with the memory store it is
 * synchronous.
 */
export class RateLimiter implements Interceptor {
  readonly name = RATE_LIMIT_INTERCEPTOR;
  readonly appliesTo = appliesToMethod;
  readonly #paths = new Set<string>();
  readonly #buckets = new Map<string, ResolvedLimit>();

  constructor(
    private readonly settings: RateLimitSettings,
    private readonly store: BucketStore,
    private readonly logger: Logger,
    private readonly metrics: LimiterMetrics,
  ) {}

  forMethod(plan: MethodPlan): MethodInterceptor | undefined {
    this.#paths.add(plan.method.path);
    const limit = resolveLimit(plan, this.settings);
    if (limit === undefined || !this.settings.enabled) return undefined;
    this.#checkShared(limit);
    return methodLimiter(plan, limit, this.store, this.logger, this.metrics, this.settings.logIntervalMs);
  }

  /**
   * The `ratelimit.methods` paths no planned method has: a typo would silently leave a method unlimited, so it stops
   * start-up (`ERR_CONFIG_INVALID`) naming the path.
   */
  checkConfiguredPaths(): void {
    const unknown = Object.keys(this.settings.methods).filter((path) => !this.#paths.has(path));
    if (unknown.length === 0) return;
    const served = [...this.#paths].slice(0, 8).join(', ');
    throw new RampartError(
      'ERR_CONFIG_INVALID',
      `ratelimit.methods names ${unknown.map((p) => `"${p}"`).join(', ')}, which this app does not serve. Fix: use a method path of the app (${served}${this.#paths.size > 8 ? ', …' : ''})`,
    );
  }

  /** Limits that share a bucket (by name) must agree on its size and rate. */
  #checkShared(limit: ResolvedLimit): void {
    const first = this.#buckets.get(limit.bucket);
    if (first === undefined) {
      this.#buckets.set(limit.bucket, limit);
      return;
    }
    if (first.capacity !== limit.capacity || first.refillPerSecond !== limit.refillPerSecond || first.keyKind !== limit.keyKind) {
      throw new RampartError(
        'ERR_CONFIG_INVALID',
        `${limit.source} and ${first.source} share the bucket "${limit.bucket}" with different limits (${describeLimit(limit)}; ${describeLimit(first)}). Fix: give them the same capacity, refillPerSecond and key, or different bucket names`,
      );
    }
  }
}

/** The `onStart` hook of one limited method. */
function methodLimiter(
  plan: MethodPlan,
  limit: ResolvedLimit,
  store: BucketStore,
  logger: Logger,
  metrics: LimiterMetrics,
  logIntervalMs: number,
): MethodInterceptor {
  const { bucket, keyOf } = limit;
  const idOf = bucketIds(limit, store);
  const described = describeLimit(limit);
  const quota = richDetails.quotaFailure({ violations: [{ subject: `ratelimit:${bucket}`, description: described }] });
  const attributes = Object.freeze({ 'rpc.method': `${plan.method.service}/${plan.method.name}`, 'rampart.ratelimit.key': limit.keyKind });
  const line = new ThrottledLine(logIntervalMs);
  const refuse = (ctx: CallContext, waitMs: number): RampartError => {
    metrics.refused(attributes);
    const key = keyForLog(keyOf, ctx);
    const count = line.count(performance.now());
    if (count > 0) {
      logger.warn(
        { rpc: plan.method.path, refused: count, keyKind: limit.keyKind, lastKey: key, limit: described, source: limit.source },
        `rate limit refusing calls: ${count} refused since the last line`,
      );
    }
    return new RampartError('ERR_RESOURCE_EXHAUSTED', RATE_LIMITED_MESSAGE, {
      reason: `rate limit (${limit.source}: ${described}) for ${limit.keyKind} ${JSON.stringify(key)}: next token in ${waitMs} ms`,
      details: [richDetails.retryInfo({ retryDelayMs: waitMs }), quota],
    });
  };
  return {
    onStart(ctx) {
      const wait = store.take(idOf(ctx), limit, ctx.startedAt ?? performance.now());
      if (typeof wait === 'number') {
        if (wait !== 0) throw refuse(ctx, wait);
        return undefined;
      }
      return wait.then((ms) => {
        if (ms !== 0) throw refuse(ctx, ms);
      });
    },
  };
}

/** The key of a refused call, for its log lines (a key function that throws now is not allowed to hide the refusal). */
function keyForLog(keyOf: (ctx: CallContext) => string, ctx: CallContext): string {
  try {
    return keyOf(ctx);
  } catch {
    return '?';
  }
}
