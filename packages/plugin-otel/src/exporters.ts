import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ConsoleMetricExporter, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { OtelSettings } from './otel-settings.js';

/**
 * The span processor for the settings: a given exporter is wrapped in a `SimpleSpanProcessor` (each span exported
 * when it ends: what in-memory test exporters want); `otlp` is batched; `console` is simple; `none` gives none.
 *
 * @example
 * ```ts
 * const processor = spanProcessorFor(settings, new InMemorySpanExporter());
 * ```
 */
export function spanProcessorFor(settings: OtelSettings, exporter: SpanExporter | undefined): SpanProcessor | undefined {
  if (exporter !== undefined) return new SimpleSpanProcessor(exporter);
  switch (settings.traces) {
    case 'otlp':
      return new BatchSpanProcessor(new OTLPTraceExporter());
    case 'console':
      return new SimpleSpanProcessor(new ConsoleSpanExporter());
    case 'none':
      return undefined;
  }
}

/**
 * The metric reader for the settings: a given reader as it is; otherwise a periodic reader exporting every
 * `exportIntervalMs` over OTLP or to the console; `none` gives none.
 *
 * @example
 * ```ts
 * const reader = metricReaderFor(settings, undefined); // PeriodicExportingMetricReader(OTLPMetricExporter)
 * ```
 */
export function metricReaderFor(settings: OtelSettings, reader: MetricReader | undefined): MetricReader | undefined {
  if (reader !== undefined) return reader;
  if (settings.metrics === 'none') return undefined;
  const exporter = settings.metrics === 'otlp' ? new OTLPMetricExporter() : new ConsoleMetricExporter();
  const interval = Math.max(settings.exportIntervalMs, 1);
  return new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: interval,
    exportTimeoutMillis: Math.min(30_000, interval),
  });
}
