import { defineConfigSchema, type ConfigOf } from '@rampart/core';

/**
 * The values of the standard `OTEL_*` variables that `@opentelemetry/sdk-node` implements, by variable. The SDK only
 * warns (through its silent diagnostic logger) about a value it does not know and goes on without it; the plugin
 * checks them at start-up instead, so a typo stops the app naming the setting.
 *
 * @example
 * ```ts
 * OTEL_ENV_VALUES.OTEL_METRICS_EXPORTER; // ['otlp', 'prometheus', 'console', 'none']
 * ```
 */
export const OTEL_ENV_VALUES = {
  OTEL_TRACES_EXPORTER: ['otlp', 'zipkin', 'console', 'none'],
  OTEL_METRICS_EXPORTER: ['otlp', 'prometheus', 'console', 'none'],
  OTEL_PROPAGATORS: ['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger', 'none'],
  OTEL_EXPORTER_OTLP_PROTOCOL: ['grpc', 'http/protobuf', 'http/json'],
} as const;

/** A convict format for a comma-separated list of the given values (empty: the SDK's default). */
function listOf(variable: keyof typeof OTEL_ENV_VALUES, single = false): (value: unknown) => asserts value is string {
  const allowed: readonly string[] = OTEL_ENV_VALUES[variable];
  return (value: unknown) => {
    if (typeof value !== 'string') throw new Error(`${variable} must be a string`);
    const entries = value.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
    if (single && entries.length > 1) throw new Error(`${variable} takes one of ${allowed.join(', ')}`);
    const unknown = entries.filter((entry) => !allowed.includes(entry));
    if (unknown.length > 0) {
      throw new Error(`${variable} has ${unknown.map((u) => JSON.stringify(u)).join(', ')}; the SDK knows ${allowed.join(', ')}`);
    }
  };
}

/**
 * The OpenTelemetry plugin's settings, under `otel.*`. The OpenTelemetry SDK (`@opentelemetry/sdk-node`) reads the
 * standard `OTEL_*` variables from the process environment itself, as every OpenTelemetry SDK does (exporters,
 * endpoints, headers, protocol, propagators, sampler, resource, batching); the settings here name the ones Rampart
 * checks at start-up, so a wrong value stops the app instead of being ignored. They are read from the environment
 * only: set in a config file, start-up stops saying so.
 *
 * @example
 * ```ts
 * // OTEL_SERVICE_NAME=payments OTEL_METRICS_EXPORTER=prometheus OTEL_EXPORTER_PROMETHEUS_PORT=9464
 * const config = loadConfig({ schemas: [serverConfigSchema, otelConfigSchema] });
 * ```
 */
export const otelConfigSchema = defineConfigSchema({
  otel: {
    sdkDisabled: {
      doc: 'Turn the plugin off: no SDK is started and the OpenTelemetry API stays a no-op.',
      format: Boolean,
      default: false,
      env: 'OTEL_SDK_DISABLED',
    },
    serviceName: {
      doc: "The resource's service.name; empty: service.name in OTEL_RESOURCE_ATTRIBUTES, else the app's name.",
      format: String,
      default: '',
      env: 'OTEL_SERVICE_NAME',
    },
    traces: {
      exporter: {
        doc: 'Where spans go, comma-separated: otlp (OTEL_EXPORTER_OTLP_*), zipkin, console, none; empty: otlp.',
        format: listOf('OTEL_TRACES_EXPORTER'),
        default: '',
        env: 'OTEL_TRACES_EXPORTER',
      },
    },
    metrics: {
      exporter: {
        doc: 'Where metrics go, comma-separated: otlp, prometheus (a scrape endpoint on OTEL_EXPORTER_PROMETHEUS_HOST:OTEL_EXPORTER_PROMETHEUS_PORT, default 0.0.0.0:9464), console, none; empty: otlp.',
        format: listOf('OTEL_METRICS_EXPORTER'),
        default: '',
        env: 'OTEL_METRICS_EXPORTER',
      },
      exportIntervalMs: {
        doc: 'How often the otlp and console exporters send metrics, in ms.',
        format: 'duration-ms',
        default: 60_000,
        env: 'OTEL_METRIC_EXPORT_INTERVAL',
      },
    },
    propagators: {
      doc: 'How trace context travels in call metadata, comma-separated: tracecontext, baggage, b3, b3multi, jaeger, none; empty: tracecontext,baggage.',
      format: listOf('OTEL_PROPAGATORS'),
      default: '',
      env: 'OTEL_PROPAGATORS',
    },
    otlpProtocol: {
      doc: 'How the otlp exporters send: http/protobuf (port 4318), grpc (port 4317) or http/json; empty: http/protobuf.',
      format: listOf('OTEL_EXPORTER_OTLP_PROTOCOL', true),
      default: '',
      env: 'OTEL_EXPORTER_OTLP_PROTOCOL',
    },
    shutdownTimeoutMs: {
      doc: 'Longest wait for flushing spans and metrics when the app closes, in ms.',
      format: 'duration-ms',
      default: 5_000,
      env: 'RAMPART_OTEL_SHUTDOWN_TIMEOUT_MS',
    },
  },
});

/** The OpenTelemetry plugin's config, `otel.*`. */
export type OtelConfig = ConfigOf<typeof otelConfigSchema>;
