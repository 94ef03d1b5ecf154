import type { ConfigReader } from '@rampart/core';
import type { OTEL_EXPORTERS } from './config-schema.js';

/**
 * An exporter choice from config.
 *
 * @example
 * ```ts
 * const choice: ExporterChoice = 'console';
 * ```
 */
export type ExporterChoice = (typeof OTEL_EXPORTERS)[number];

/**
 * The plugin's settings, read from `otel.*`.
 *
 * @example
 * ```ts
 * const settings = otelSettingsFromConfig(ctx.config, ctx.appName);
 * ```
 */
export interface OtelSettings {
  readonly disabled: boolean;
  readonly serviceName: string;
  readonly traces: ExporterChoice;
  readonly metrics: ExporterChoice;
  readonly exportIntervalMs: number;
  readonly shutdownTimeoutMs: number;
}

/**
 * Reads {@link OtelSettings}; the service name falls back to the app's name.
 *
 * @example
 * ```ts
 * otelSettingsFromConfig(config, 'payments').serviceName; // 'payments' unless OTEL_SERVICE_NAME is set
 * ```
 */
export function otelSettingsFromConfig(config: ConfigReader, appName: string): OtelSettings {
  const serviceName = config.get<string>('otel.serviceName');
  return {
    disabled: config.get<boolean>('otel.sdkDisabled'),
    serviceName: serviceName === '' ? appName : serviceName,
    traces: config.get<ExporterChoice>('otel.traces.exporter'),
    metrics: config.get<ExporterChoice>('otel.metrics.exporter'),
    exportIntervalMs: config.get<number>('otel.metrics.exportIntervalMs'),
    shutdownTimeoutMs: config.get<number>('otel.shutdownTimeoutMs'),
  };
}
