import { context, trace, TraceFlags } from '@opentelemetry/api';

/**
 * The trace context fields of a log line, named as OpenTelemetry's log data model and its pino instrumentation name
 * them, so a log backend can jump from a line to its trace.
 *
 * @example
 * ```ts
 * const fields: TraceContextFields = { trace_id: '4bf9…4736', span_id: '00f0…02b7', trace_flags: '01' };
 * ```
 */
export interface TraceContextFields {
  trace_id?: string;
  span_id?: string;
  trace_flags?: string;
}

/**
 * The trace and span id of the active span context (the call being handled), or nothing outside a trace: the pino
 * `mixin` of {@link createLogger}, so every line written inside a call carries them, whichever logger writes it. A
 * new object each time (pino merges the line into it).
 *
 * @example
 * ```ts
 * context.with(call.context, () => logger.info('reserving')); // {"trace_id":"…","span_id":"…",…,"msg":"reserving"}
 * ```
 */
export function traceContextFields(): TraceContextFields {
  const span = trace.getSpanContext(context.active());
  if (span === undefined || !trace.isSpanContextValid(span)) return {};
  return {
    trace_id: span.traceId,
    span_id: span.spanId,
    trace_flags: (span.traceFlags & TraceFlags.SAMPLED) === 0 ? '00' : '01',
  };
}
