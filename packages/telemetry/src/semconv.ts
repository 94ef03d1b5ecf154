/**
 * The pre-stable RPC semantic conventions (v1.37 and before) that `OTEL_SEMCONV_STABILITY_OPT_IN=rpc/dup` still
 * emits. They live only in the "incubating" entry point of `@opentelemetry/semantic-conventions`, which may change in
 * a minor release; its README asks libraries to copy such definitions rather than import that entry point at run
 * time. `test/semconv.spec.ts` checks every value here against the package's own export.
 *
 * The stable names (`rpc.system.name`, `rpc.method`, `rpc.status_code`, `rpc.server.call.duration`, …) are imported
 * from the package's stable entry point where they are used.
 */

/** `rpc.system` (replaced by `rpc.system.name`). */
export const ATTR_RPC_SYSTEM = 'rpc.system' as const;
/** `rpc.service` (folded into the fully-qualified `rpc.method`). */
export const ATTR_RPC_SERVICE = 'rpc.service' as const;
/** `rpc.grpc.status_code`, an integer (replaced by the string `rpc.status_code`). */
export const ATTR_RPC_GRPC_STATUS_CODE = 'rpc.grpc.status_code' as const;
/** The value `grpc` of `rpc.system`. */
export const RPC_SYSTEM_VALUE_GRPC = 'grpc' as const;
/** `rpc.server.duration`, in milliseconds (replaced by `rpc.server.call.duration` in seconds). */
export const METRIC_RPC_SERVER_DURATION = 'rpc.server.duration' as const;
/** `rpc.client.duration`, in milliseconds (replaced by `rpc.client.call.duration` in seconds). */
export const METRIC_RPC_CLIENT_DURATION = 'rpc.client.duration' as const;

/**
 * Which RPC conventions Rampart emits: `stable` (the default, and `rpc` in `OTEL_SEMCONV_STABILITY_OPT_IN`) or `dup`
 * (`rpc/dup`: the stable ones and the pre-stable ones, for dashboards still built on the old names).
 *
 * @example
 * ```ts
 * const semconv: RpcSemconv = rpcSemconvFromEnv('http,rpc/dup'); // 'dup'
 * ```
 */
export type RpcSemconv = 'stable' | 'dup';

/**
 * Reads `OTEL_SEMCONV_STABILITY_OPT_IN` (a comma-separated list; default: the process environment) the way the
 * semantic conventions' migration guides define it: `rpc/dup` wins over `rpc`. Rampart has no release on the old
 * conventions, so without either value it emits the stable ones (ADR 0030).
 *
 * @example
 * ```ts
 * rpcSemconvFromEnv('rpc/dup'); // 'dup'
 * rpcSemconvFromEnv(undefined); // 'stable'
 * ```
 */
export function rpcSemconvFromEnv(value: string | undefined = process.env.OTEL_SEMCONV_STABILITY_OPT_IN): RpcSemconv {
  const entries = (value ?? '').split(',').map((entry) => entry.trim().toLowerCase());
  return entries.includes('rpc/dup') ? 'dup' : 'stable';
}
