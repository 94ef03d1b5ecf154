import type { Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, type MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { definePlugin, RampartError, type Logger, type RampartPlugin } from '@rampart/core';
import { otelConfigSchema } from './config-schema.js';
import { metricReaderFor, spanProcessorFor } from './exporters.js';
import { otelSettingsFromConfig } from './otel-settings.js';
import { registerGlobals } from './register-globals.js';
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

/** `AUTH_TOKENS.Auditor` of `@rampart/auth`, by its global symbol (this plugin does not depend on auth). */
const AUTH_AUDITOR = Symbol.for('rampart.auth.Auditor');

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
}

/**
 * The OpenTelemetry plugin: registers the SDK (tracer and meter providers, the AsyncLocalStorage context manager,
 * the W3C trace-context and baggage propagators) when it registers, so Rampart's RPC spans, auth decision
 * attributes and events, `rampart.auth.decisions` and `rpc.server.call.duration` reach a collector over OTLP
 * (configured by the standard `OTEL_*` variables), or the console in development. On close it flushes and shuts
 * the SDK down, then unregisters it.
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
export function rampartOtel(options: RampartOtelOptions = {}): RampartPlugin {
  return definePlugin({
    name: RAMPART_OTEL,
    configSchema: otelConfigSchema,
    register(ctx) {
      const settings = otelSettingsFromConfig(ctx.config, ctx.appName);
      if (settings.disabled) {
        ctx.logger.info('OpenTelemetry SDK disabled (OTEL_SDK_DISABLED): the API stays a no-op');
        return;
      }
      const reader = metricReaderFor(settings, options.metricReader);
      if (reader !== undefined && ctx.container.isBound(AUTH_AUDITOR)) {
        throw new RampartError(
          'ERR_PLUGIN_INVALID',
          'plugin "rampart-otel" must register before "rampart-auth": list rampartOtel() before rampartAuth() in `plugins` ' +
            '(the auth auditor creates its metrics when it registers, and they would never reach the SDK)',
        );
      }
      const resource = defaultResource()
        .merge(detectResources({ detectors: [envDetector] }))
        .merge(resourceFromAttributes({ ...options.resourceAttributes, 'service.name': settings.serviceName }));
      const processor = spanProcessorFor(settings, options.spanExporter);
      const tracerProvider = processor ? new BasicTracerProvider({ resource, spanProcessors: [processor] }) : undefined;
      const meterProvider = reader ? new MeterProvider({ resource, readers: [reader] }) : undefined;
      const contextManager = new AsyncLocalStorageContextManager().enable();
      let unregister: () => void;
      try {
        unregister = registerGlobals({
          contextManager,
          propagator: new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
          tracerProvider,
          meterProvider,
        });
      } catch (error) {
        contextManager.disable();
        void shutdown([tracerProvider, meterProvider], settings.shutdownTimeoutMs, ctx.logger);
        throw error;
      }
      if (tracerProvider) ctx.container.bind(OTEL_TOKENS.TracerProvider).toConstantValue(tracerProvider);
      if (meterProvider) ctx.container.bind(OTEL_TOKENS.MeterProvider).toConstantValue(meterProvider);
      ctx.logger.info(
        { serviceName: settings.serviceName, traces: options.spanExporter ? 'custom' : settings.traces, metrics: options.metricReader ? 'custom' : settings.metrics },
        'OpenTelemetry SDK registered',
      );
      ctx.on('onClose', async () => {
        try {
          await shutdown([tracerProvider, meterProvider], settings.shutdownTimeoutMs, ctx.logger);
        } finally {
          unregister();
        }
      });
    },
  });
}

/** Flushes and shuts the providers down, waiting at most `timeoutMs`; failures are logged, never thrown. */
async function shutdown(
  providers: readonly ({ shutdown(): Promise<void> } | undefined)[],
  timeoutMs: number,
  logger: Logger,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const done = Promise.allSettled(providers.flatMap((p) => (p ? [p.shutdown()] : [])));
  const outcome = await Promise.race([
    done,
    new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    logger.warn({ timeoutMs }, 'OpenTelemetry shutdown timed out: some spans or metrics may not have been exported');
    return;
  }
  for (const result of outcome) {
    if (result.status === 'rejected') {
      const err: unknown = result.reason;
      logger.warn({ err }, 'OpenTelemetry exporter failed to flush at shutdown');
    }
  }
}
