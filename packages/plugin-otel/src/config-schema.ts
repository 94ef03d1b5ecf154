import type { ConfigSchemaFragment } from '@rampart/core';

/**
 * Exporters the plugin can build from config (the values of the standard `OTEL_*_EXPORTER` variables it supports).
 *
 * @example
 * ```ts
 * OTEL_EXPORTERS.includes(process.env.OTEL_TRACES_EXPORTER as ExporterChoice);
 * ```
 */
export const OTEL_EXPORTERS = ['otlp', 'console', 'none'] as const;

/**
 * The OpenTelemetry plugin's settings, under `otel.*`, read from the standard `OTEL_*` variables. Where the OTLP
 * exporters send to (`OTEL_EXPORTER_OTLP_ENDPOINT`, `…_HEADERS`, `…_TIMEOUT`, `…_COMPRESSION` and the per-signal
 * variants) is read by the exporters themselves from the process environment, so API keys in headers never pass
 * through config.
 *
 * @example
 * ```ts
 * // OTEL_SERVICE_NAME=payments OTEL_TRACES_EXPORTER=console OTEL_METRICS_EXPORTER=none
 * const config = loadConfig({ schemas: [serverConfigSchema, otelConfigSchema] });
 * ```
 */
export const otelConfigSchema: ConfigSchemaFragment = {
  otel: {
    sdkDisabled: {
      doc: 'Turn the plugin off: no SDK is registered and the OpenTelemetry API stays a no-op.',
      format: Boolean,
      default: false,
      env: 'OTEL_SDK_DISABLED',
    },
    serviceName: {
      doc: "The resource's service.name; empty: the app's name.",
      format: String,
      default: '',
      env: 'OTEL_SERVICE_NAME',
    },
    traces: {
      exporter: {
        doc: 'Where spans go: otlp (http/protobuf, to OTEL_EXPORTER_OTLP_ENDPOINT, batched), console (dev) or none.',
        format: [...OTEL_EXPORTERS],
        default: 'otlp',
        env: 'OTEL_TRACES_EXPORTER',
      },
    },
    metrics: {
      exporter: {
        doc: 'Where metrics go: otlp (http/protobuf, to OTEL_EXPORTER_OTLP_ENDPOINT), console (dev) or none.',
        format: [...OTEL_EXPORTERS],
        default: 'otlp',
        env: 'OTEL_METRICS_EXPORTER',
      },
      exportIntervalMs: {
        doc: 'How often metrics are exported, in ms.',
        format: 'duration-ms',
        default: 60_000,
        env: 'OTEL_METRIC_EXPORT_INTERVAL',
      },
    },
    shutdownTimeoutMs: {
      doc: 'Longest wait for flushing spans and metrics when the app closes, in ms.',
      format: 'duration-ms',
      default: 5_000,
      env: 'RAMPART_OTEL_SHUTDOWN_TIMEOUT_MS',
    },
  },
};
