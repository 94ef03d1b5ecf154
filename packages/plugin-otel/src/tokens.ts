/**
 * DI tokens the OpenTelemetry plugin binds, for code that wants the SDK objects (e.g. to force a flush).
 *
 * @example
 * ```ts
 * await app.container.get<BasicTracerProvider>(OTEL_TOKENS.TracerProvider).forceFlush();
 * ```
 */
export const OTEL_TOKENS = {
  /** The SDK's tracer provider (bound unless traces are off: `OTEL_TRACES_EXPORTER=none`). */
  TracerProvider: Symbol.for('rampart.otel.TracerProvider'),
  /** The SDK's `MeterProvider` (bound unless metrics are off: `OTEL_METRICS_EXPORTER=none`). */
  MeterProvider: Symbol.for('rampart.otel.MeterProvider'),
} as const;
