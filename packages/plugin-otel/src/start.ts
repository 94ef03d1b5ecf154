import type { OtelSdk, OtelSdkOptions } from './sdk-types.js';

/**
 * Starts the OpenTelemetry Node SDK (`@opentelemetry/sdk-node`) configured by the standard `OTEL_*` variables of the
 * process environment, as the SDK defines them: `OTEL_TRACES_EXPORTER` (otlp, zipkin, console, none),
 * `OTEL_METRICS_EXPORTER` (otlp, prometheus with `OTEL_EXPORTER_PROMETHEUS_HOST`/`_PORT`, console, none),
 * `OTEL_EXPORTER_OTLP_PROTOCOL` (http/protobuf, grpc, http/json) and the other `OTEL_EXPORTER_OTLP_*`,
 * `OTEL_PROPAGATORS`, `OTEL_TRACES_SAMPLER`/`_ARG`, `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_NODE_RESOURCE_DETECTORS`,
 * `OTEL_BSP_*`, `OTEL_METRIC_EXPORT_*`. The Rampart plugin calls it; a process that is not a Rampart app (the sample
 * issuer) calls it itself. Refuses (`ERR_PLUGIN_INVALID`) when another SDK is registered in the process. The SDK's
 * own logs API stays unused: Rampart logs go to stdout through pino, with trace ids. The SDK's modules are loaded by
 * this call, not by importing `@rampart/plugin-otel` (they take 150-300 ms to load): a process that leaves the SDK
 * off never loads them.
 *
 * @example
 * ```ts
 * // OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector:4318 OTEL_METRICS_EXPORTER=prometheus
 * const sdk = await startOtelSdk({ serviceName: 'issuer' });
 * ```
 */
export async function startOtelSdk(options: OtelSdkOptions = {}): Promise<OtelSdk> {
  const { startNodeSdk } = await import('./sdk.js');
  return startNodeSdk(options);
}
