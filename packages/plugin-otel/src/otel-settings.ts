import { RampartError, type ConfigReader } from '@rampart/core';
import type { OtelConfig } from './config-schema.js';

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
  /** `OTEL_SERVICE_NAME`; else undefined when `OTEL_RESOURCE_ATTRIBUTES` names the service; else the app's name. */
  readonly serviceName: string | undefined;
  /** Whether `OTEL_METRICS_EXPORTER` asks for any metrics (anything but `none`). */
  readonly metrics: boolean;
  readonly shutdownTimeoutMs: number;
}

/** The `otel.*` settings that hold one text or number (not a group). */
type ScalarSetting = { [K in keyof OtelConfig]: OtelConfig[K] extends string | number ? K : never }[keyof OtelConfig];

/** Settings the SDK reads from the process environment itself, with their defaults in `otelConfigSchema`. */
const SDK_READS: readonly (readonly [key: ScalarSetting, variable: string, fallback: string])[] = [
  ['otel.traces.exporter', 'OTEL_TRACES_EXPORTER', ''],
  ['otel.metrics.exporter', 'OTEL_METRICS_EXPORTER', ''],
  ['otel.metrics.exportIntervalMs', 'OTEL_METRIC_EXPORT_INTERVAL', '60000'],
  ['otel.propagators', 'OTEL_PROPAGATORS', ''],
  ['otel.otlpProtocol', 'OTEL_EXPORTER_OTLP_PROTOCOL', ''],
];

/**
 * Reads {@link OtelSettings}; the service name falls back to `service.name` in `OTEL_RESOURCE_ATTRIBUTES`, then to
 * the app's name. A setting the SDK reads from the
 * process environment (exporters, interval, propagators, protocol) that config holds with another value (set in a
 * config file, or in an `env` given to the app instead of the process's) stops start-up: the SDK would never see it.
 *
 * @example
 * ```ts
 * otelSettingsFromConfig(config, 'payments').serviceName; // 'payments' unless OTEL_SERVICE_NAME is set
 * ```
 */
export function otelSettingsFromConfig(
  config: ConfigReader<OtelConfig>,
  appName: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): OtelSettings {
  for (const [key, variable, fallback] of SDK_READS) {
    const configured = String(config.get(key));
    const seen = env[variable]?.trim() || fallback;
    if (configured !== seen) {
      throw new RampartError(
        'ERR_CONFIG_INVALID',
        `${key} is ${JSON.stringify(configured)} but the OpenTelemetry SDK reads ${variable} from the process environment, ` +
          `where it is ${env[variable] === undefined ? 'not set' : JSON.stringify(env[variable])}: set ${variable} in the environment (not in a config file)`,
      );
    }
  }
  const serviceName = config.get('otel.serviceName');
  const metrics = config
    .get('otel.metrics.exporter')
    .split(',')
    .map((entry) => entry.trim());
  return {
    disabled: config.get('otel.sdkDisabled'),
    serviceName: serviceName !== '' ? serviceName : /(?:^|,)\s*service\.name\s*=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? '') ? undefined : appName,
    metrics: !metrics.includes('none'),
    shutdownTimeoutMs: config.get('otel.shutdownTimeoutMs'),
  };
}
