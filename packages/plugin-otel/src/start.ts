import type { Attributes, MeterProvider, TracerProvider } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

/**
 * What {@link startOtelSdk} starts.
 *
 * @example
 * ```ts
 * const options: OtelSdkOptions = { serviceName: 'issuer' };
 * ```
 */
export interface OtelSdkOptions {
  /** The resource's `service.name`; undefined: the SDK's (`OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`). */
  readonly serviceName?: string;
  /** Export spans here, each as it ends, instead of to `OTEL_TRACES_EXPORTER`. */
  readonly spanExporter?: SpanExporter;
  /** Read metrics with this reader instead of the ones `OTEL_METRICS_EXPORTER` implies. */
  readonly metricReader?: MetricReader;
  /** Extra resource attributes (`OTEL_RESOURCE_ATTRIBUTES` and the detectors' come on top). */
  readonly resourceAttributes?: Attributes;
  /**
   * Instrumentations to enable. Default: undici's (`fetch` and the `undici` package, through Node's diagnostics
   * channels), so HTTP requests such as token requests to the issuer carry the trace context and get a CLIENT span.
   */
  readonly instrumentations?: readonly Instrumentation[];
}

/**
 * The running SDK, from {@link startOtelSdk}.
 *
 * @example
 * ```ts
 * const sdk = await startOtelSdk({ serviceName: 'issuer' });
 * process.once('SIGTERM', () => void sdk.shutdown(5_000));
 * ```
 */
export interface OtelSdk {
  /** The SDK's tracer provider; undefined when no spans are exported (`OTEL_TRACES_EXPORTER=none`). */
  readonly tracerProvider: TracerProvider | undefined;
  /** The SDK's meter provider; undefined when no metrics are exported (`OTEL_METRICS_EXPORTER=none`). */
  readonly meterProvider: MeterProvider | undefined;
  /**
   * Flushes and shuts the SDK down (waiting at most `timeoutMs`), then unregisters it from the API. Resolves to
   * `'timeout'` when the flush took longer, else to the flush's failures (empty when it worked). Never rejects.
   */
  shutdown(timeoutMs: number): Promise<'timeout' | readonly unknown[]>;
}

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
