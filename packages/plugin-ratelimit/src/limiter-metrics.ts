import { metrics, type Attributes, type Counter } from '@opentelemetry/api';

/**
 * The limiter's counters, through the OpenTelemetry API (no-ops without an SDK): `rampart.ratelimit.refused{rpc.method,
 * rampart.ratelimit.key}` and `rampart.ratelimit.store_failures{rampart.ratelimit.failure_mode}`. Created at first use,
 * not at registration: the metrics API has no late binding, and a counter made before an SDK plugin registered would
 * count into a no-op meter forever.
 */
export class LimiterMetrics {
  #refused: Counter | undefined;
  #storeFailures: Counter | undefined;

  refused(attributes: Attributes): void {
    this.#refused ??= metrics.getMeter('@rampart/plugin-ratelimit').createCounter('rampart.ratelimit.refused', {
      description: 'Calls refused by a rate limit, by method and key kind',
    });
    this.#refused.add(1, attributes);
  }

  storeFailure(attributes: Attributes): void {
    this.#storeFailures ??= metrics.getMeter('@rampart/plugin-ratelimit').createCounter('rampart.ratelimit.store_failures', {
      description: 'Calls whose rate limit store (Redis) failed or did not answer in time, by what was done with them',
    });
    this.#storeFailures.add(1, attributes);
  }
}
