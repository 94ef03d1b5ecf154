import type { Attributes } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { definePlugin, type RampartPlugin } from '@rampart/core';
import { otelConfigSchema, type OtelConfig } from './config-schema.js';
import { otelSettingsFromConfig } from './otel-settings.js';
import { startOtelSdk } from './start.js';
import { OTEL_TOKENS } from './tokens.js';

/**
 * The plugin's name, for other plugins' `dependencies`.
 *
 * @example
 * ```ts
 * definePlugin({ name: 'my-exporter-tweaks', dependencies: [RAMPART_OTEL], register() {} });
 * ```
 */
export const RAMPART_OTEL = 'rampart-otel';

/**
 * Options of {@link rampartOtel}: exporters to use instead of the ones config chooses (tests, custom pipelines).
 *
 * @example
 * ```ts
 * const options: RampartOtelOptions = { spanExporter: new InMemorySpanExporter(), metricReader: myReader };
 * ```
 */
export interface RampartOtelOptions {
  /** Export spans here (each as it ends) instead of to `otel.traces.exporter`. */
  readonly spanExporter?: SpanExporter;
  /** Read metrics with this reader instead of the periodic one `otel.metrics.exporter` implies. */
  readonly metricReader?: MetricReader;
  /** Extra resource attributes (over OTEL_RESOURCE_ATTRIBUTES; service.name comes from config). */
  readonly resourceAttributes?: Attributes;
  /** Instrumentations to enable instead of the default (undici's: HTTP requests such as token requests are traced). */
  readonly instrumentations?: readonly Instrumentation[];
}

/**
 * The OpenTelemetry plugin: starts the OpenTelemetry Node SDK (`@opentelemetry/sdk-node`) when it registers,
 * configured by the standard `OTEL_*` variables as the SDK's environment specification defines them (exporters
 * `otlp` over http/protobuf or gRPC, `prometheus` with its scrape port, `console`, `none`; propagators; sampler;
 * resource), so Rampart's RPC spans and metrics (stable RPC semantic conventions), the auth decision attributes and
 * events and `rampart.auth.decisions` reach a collector, or a Prometheus scrape. The values Rampart knows are checked
 * at start-up (`otel.*`): a typo stops the app naming the variable. On close it flushes and shuts the SDK down, then
 * unregisters it.
 *
 * List it FIRST in `plugins`, before `rampartAuth()`: the metrics API has no late binding, so the auth auditor's
 * counter is only recorded when the SDK exists before the auditor is made. Registered after it, start-up stops
 * with a message saying so.
 *
 * @example
 * ```ts
 * // OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector:4318 OTEL_SERVICE_NAME=payments
 * const app = await createApp({ name: 'payments', services, protos, plugins: [rampartOtel(), rampartAuth()] });
 * ```
 */
export function rampartOtel(options: RampartOtelOptions = {}): RampartPlugin<OtelConfig> {
  return definePlugin({
    name: RAMPART_OTEL,
    configSchema: otelConfigSchema,
    async register(ctx) {
      const settings = otelSettingsFromConfig(ctx.config, ctx.appName);
      if (settings.disabled) {
        ctx.logger.info('OpenTelemetry SDK disabled (OTEL_SDK_DISABLED): the API stays a no-op');
        return;
      }
      // The SDK's modules load here, when it is enabled: importing the plugin does not load them.
      const sdk = await startOtelSdk({
        ...(settings.serviceName === undefined ? {} : { serviceName: settings.serviceName }),
        ...(options.spanExporter ? { spanExporter: options.spanExporter } : {}),
        ...(options.metricReader ? { metricReader: options.metricReader } : {}),
        ...(options.resourceAttributes ? { resourceAttributes: options.resourceAttributes } : {}),
        ...(options.instrumentations ? { instrumentations: options.instrumentations } : {}),
      });
      if (sdk.tracerProvider) ctx.container.bind(OTEL_TOKENS.TracerProvider).toConstantValue(sdk.tracerProvider);
      if (sdk.meterProvider) ctx.container.bind(OTEL_TOKENS.MeterProvider).toConstantValue(sdk.meterProvider);
      const env = process.env;
      ctx.logger.info(
        {
          serviceName: settings.serviceName,
          traces: options.spanExporter ? 'custom' : env.OTEL_TRACES_EXPORTER || 'otlp',
          metrics: options.metricReader ? 'custom' : env.OTEL_METRICS_EXPORTER || 'otlp',
          propagators: env.OTEL_PROPAGATORS || 'tracecontext,baggage',
        },
        'OpenTelemetry SDK started',
      );
      ctx.on('onClose', async () => {
        const outcome = await sdk.shutdown(settings.shutdownTimeoutMs);
        if (outcome === 'timeout') {
          ctx.logger.warn({ timeoutMs: settings.shutdownTimeoutMs }, 'OpenTelemetry shutdown timed out: some spans or metrics may not have been exported');
        }
        for (const err of outcome === 'timeout' ? [] : outcome) ctx.logger.warn({ err }, 'OpenTelemetry exporter failed to flush at shutdown');
      });
    },
  });
}
