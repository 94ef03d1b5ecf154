import type { Attributes, MeterProvider, TracerProvider } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';

/**
 * What `startOtelSdk()` starts.
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
 * The running SDK, from `startOtelSdk()`.
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
