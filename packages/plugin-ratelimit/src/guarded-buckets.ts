import { RampartError, type Logger } from '@rampart/core';
import type { Attributes } from '@opentelemetry/api';
import type { BucketLimit, BucketStore } from './bucket-store.js';
import { MemoryBuckets } from './bucket-store.js';
import type { LimiterMetrics } from './limiter-metrics.js';
import type { FailureMode } from './settings.js';
import { ThrottledLine } from './throttled-line.js';

const WHAT_HAPPENS: Readonly<Record<FailureMode, string>> = {
  closed: 'limited calls are refused with UNAVAILABLE',
  open: 'limited calls pass without a limit',
  local: "limited calls are limited by this replica's own buckets",
};

/** What the Redis outage log line says calls get, by failure mode. */
export const outageEffect = (mode: FailureMode): string => WHAT_HAPPENS[mode];

/**
 * A remote store (Redis) with `ratelimit.redis.failureMode` applied when it fails or does not answer in time:
 * `closed` rejects with `ERR_UNAVAILABLE` (the call is refused, UNAVAILABLE); `open` answers 0 (the call passes);
 * `local` asks in-memory buckets of this process instead (the call is limited by this replica alone). Open and local
 * write a warn line at most once per `logIntervalMs` with the number of calls so handled; every failure is counted
 * (`rampart.ratelimit.store_failures`).
 */
export class GuardedBuckets implements BucketStore {
  readonly #line: ThrottledLine;
  readonly #local: MemoryBuckets | undefined;
  readonly #attributes: Attributes;

  constructor(
    private readonly remote: BucketStore,
    private readonly mode: FailureMode,
    private readonly logger: Logger,
    private readonly metrics: LimiterMetrics,
    options: { readonly logIntervalMs: number; readonly maxKeys: number },
  ) {
    this.#line = new ThrottledLine(options.logIntervalMs);
    this.#local = mode === 'local' ? new MemoryBuckets(options.maxKeys) : undefined;
    this.#attributes = Object.freeze({ 'rampart.ratelimit.failure_mode': mode });
  }

  idOf(bucket: string, key: string): string {
    return this.remote.idOf(bucket, key);
  }

  take(id: string, limit: BucketLimit, now: number): Promise<number> {
    return Promise.resolve(this.remote.take(id, limit, now)).then(undefined, (error: unknown) => this.#failed(error, id, limit));
  }

  #failed(error: unknown, id: string, limit: BucketLimit): number {
    this.metrics.storeFailure(this.#attributes);
    const failure = RampartError.is(error, 'ERR_UNAVAILABLE')
      ? error
      : new RampartError('ERR_UNAVAILABLE', 'rate limiter unavailable, try again later', { cause: error, reason: `rate limit store: ${String(error)}` });
    if (this.mode === 'closed') throw failure;
    const now = performance.now();
    const count = this.#line.count(now);
    if (count > 0) {
      this.logger.warn(
        { failureMode: this.mode, calls: count, reason: failure.reason },
        `rate limit store failing: ${count} call${count === 1 ? '' : 's'} since the last line ${this.mode === 'open' ? 'passed without a limit' : 'limited in this replica only'} (ratelimit.redis.failureMode=${this.mode})`,
      );
    }
    return this.#local === undefined ? 0 : this.#local.take(id, limit, now);
  }
}
