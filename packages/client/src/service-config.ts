import { RampartError } from '@rampart/core';

/** How a client spreads calls over the addresses of its target. */
export type LoadBalancingPolicy = 'round_robin' | 'pick_first';

/**
 * The retry policy of a client's idempotent methods (gRPC A6, applied by grpc-js). Attempts include the first one;
 * the wait before attempt n + 1 is random in [0, min(initialBackoffMs × multiplier^(n−1), maxBackoffMs)].
 */
export interface RetrySettings {
  /** 1 turns retries off; grpc-js allows at most 5. */
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly backoffMultiplier: number;
  /** Status names, e.g. `['UNAVAILABLE']`. */
  readonly retryableStatusCodes: readonly string[];
  /**
   * Methods (their `.proto` names) retried besides those the proto marks `option idempotency_level = IDEMPOTENT`
   * or `NO_SIDE_EFFECTS`.
   */
  readonly methods?: readonly string[];
}

/** The methods of a service as the client sees them: the `.proto` name and its `idempotency_level`, if any. */
export interface MethodIdempotency {
  readonly name: string;
  readonly idempotencyLevel: string | undefined;
}

/** Default retry policy: 3 attempts, 100 ms growing ×2 up to 1 s, on UNAVAILABLE only. */
export const DEFAULT_RETRY: RetrySettings = {
  maxAttempts: 3,
  initialBackoffMs: 100,
  maxBackoffMs: 1_000,
  backoffMultiplier: 2,
  retryableStatusCodes: ['UNAVAILABLE'],
};

/** Retry throttling (gRPC A6): retries stop while more than half of the last ~10 calls' worth of tokens failed. */
const RETRY_THROTTLING = { maxTokens: 10, tokenRatio: 0.1 };

const STATUS_NAMES = new Set([
  'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE',
  'DATA_LOSS', 'UNAUTHENTICATED',
]);

const seconds = (ms: number): string => `${ms / 1000}s`;

/**
 * Checks a retry policy; `key` names where it came from in errors (e.g. `clients.inventory.retry`).
 *
 * @throws RampartError `ERR_CONFIG_INVALID` naming the setting and the fix.
 */
export function checkRetrySettings(retry: RetrySettings, methods: readonly MethodIdempotency[], key: string): void {
  const fail = (setting: string, problem: string, fix: string): never => {
    throw new RampartError('ERR_CONFIG_INVALID', `${key}.${setting} ${problem}. Fix: ${fix}`);
  };
  if (!Number.isInteger(retry.maxAttempts) || retry.maxAttempts < 1 || retry.maxAttempts > 5) {
    fail('maxAttempts', `is ${retry.maxAttempts}`, 'set it to 1 (no retries) .. 5 (grpc-js allows no more)');
  }
  if (!(retry.initialBackoffMs >= 1)) fail('initialBackoffMs', `is ${retry.initialBackoffMs}`, 'set it to 1 or more');
  if (!(retry.maxBackoffMs >= retry.initialBackoffMs)) {
    fail('maxBackoffMs', `is ${retry.maxBackoffMs}, below initialBackoffMs (${retry.initialBackoffMs})`, 'set it to initialBackoffMs or more');
  }
  if (!(retry.backoffMultiplier > 0)) fail('backoffMultiplier', `is ${retry.backoffMultiplier}`, 'set it above 0 (e.g. 2)');
  const unknown = retry.retryableStatusCodes.filter((code) => !STATUS_NAMES.has(code));
  if (retry.retryableStatusCodes.length === 0 || unknown.length > 0) {
    fail(
      'retryableStatusCodes',
      unknown.length > 0 ? `holds ${unknown.join(', ')}, not a gRPC status name` : 'is empty',
      'list gRPC status names such as ["UNAVAILABLE"]',
    );
  }
  const names = new Set(methods.map((m) => m.name));
  const strangers = (retry.methods ?? []).filter((m) => !names.has(m));
  if (strangers.length > 0) {
    fail('methods', `names ${strangers.join(', ')}, not a method of the service`, `use the .proto method names: ${[...names].join(', ')}`);
  }
}

/** The methods a retry policy applies to: those the proto marks idempotent or side-effect free, and those listed. */
export function retriedMethods(methods: readonly MethodIdempotency[], listed: readonly string[] = []): string[] {
  return methods
    .filter((m) => m.idempotencyLevel === 'IDEMPOTENT' || m.idempotencyLevel === 'NO_SIDE_EFFECTS' || listed.includes(m.name))
    .map((m) => m.name);
}

/**
 * The grpc-js service config (JSON) of a client: its load-balancing policy, and a retry policy for its idempotent
 * methods with retry throttling (ADR 0021). Calls that never reached a server application (refused streams, streams
 * above a GOAWAY's last stream id) are retried once by grpc-js whatever this says ("transparent retry").
 *
 * @example
 * ```ts
 * serviceConfig('rampart.demo.inventory.v1.InventoryService', methods, { loadBalancingPolicy: 'round_robin', retry: DEFAULT_RETRY });
 * ```
 */
export function serviceConfig(
  service: string,
  methods: readonly MethodIdempotency[],
  policy: { readonly loadBalancingPolicy?: LoadBalancingPolicy; readonly retry?: RetrySettings },
): string {
  const config: Record<string, unknown> = {};
  if (policy.loadBalancingPolicy !== undefined) config.loadBalancingConfig = [{ [policy.loadBalancingPolicy]: {} }];
  const retry = policy.retry;
  const retried = retry !== undefined && retry.maxAttempts > 1 ? retriedMethods(methods, retry.methods) : [];
  if (retry !== undefined && retried.length > 0) {
    config.methodConfig = [
      {
        name: retried.map((method) => ({ service, method })),
        retryPolicy: {
          maxAttempts: retry.maxAttempts,
          initialBackoff: seconds(retry.initialBackoffMs),
          maxBackoff: seconds(retry.maxBackoffMs),
          backoffMultiplier: retry.backoffMultiplier,
          retryableStatusCodes: [...retry.retryableStatusCodes],
        },
      },
    ];
    config.retryThrottling = RETRY_THROTTLING;
  }
  return JSON.stringify(config);
}
