import { metrics, ROOT_CONTEXT, trace, type Context, type Span } from '@opentelemetry/api';
import type { MethodInfo } from '@rampart/core';
import { extractTraceContext } from './propagation.js';
import type { RpcTelemetry, RpcTelemetryOptions } from './rpc-telemetry-types.js';
import { MethodTelemetry, ServerCall } from './server-call.js';

const SCOPE = '@rampart/telemetry';

/**
 * Creates the server-side RPC telemetry: one SERVER span per call, parented by the caller's W3C trace context, and
 * the `rpc.server.call.duration` histogram (seconds). With no OpenTelemetry SDK registered it costs the API's
 * no-op path and nothing more: attributes are built once per method, and a call without a recording span gets the
 * incoming context as it is.
 *
 * @example
 * ```ts
 * const telemetry = createRpcTelemetry();
 * const call = telemetry.startServerCall(method, metadata);
 * try {
 *   const res = await context.with(call.context, () => handler(req, ctx));
 *   call.end(Status.OK);
 * } catch (err) {
 *   call.end(RampartError.from(err).status, err);
 * }
 * ```
 */
export function createRpcTelemetry(options: RpcTelemetryOptions = {}): RpcTelemetry {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE);
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE);
  const duration = meter.createHistogram('rpc.server.call.duration', {
    description: 'Duration of gRPC server calls, from the arrival of the metadata to the final status.',
    unit: 's',
    advice: { explicitBucketBoundaries: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] },
  });
  const methods = new WeakMap<MethodInfo, MethodTelemetry>();

  return {
    startServerCall(method, metadata) {
      const startedAt = performance.now();
      let info = methods.get(method);
      if (info === undefined) {
        info = new MethodTelemetry(method);
        methods.set(method, info);
      }
      const parent = extractTraceContext(metadata, ROOT_CONTEXT);
      const span = tracer.startSpan(info.spanName, info.spanOptions, parent);
      return new ServerCall(contextFor(span, parent), span, info, duration, startedAt);
    },
  };
}

/**
 * The call's context: the parent with the span set in it. A non-recording span that carries nothing new (the
 * API's no-op span wraps the parent's span context, or the invalid one) would only cost a context copy.
 */
function contextFor(span: Span, parent: Context): Context {
  if (!span.isRecording()) {
    const spanContext = span.spanContext();
    if (spanContext === trace.getSpanContext(parent) || !trace.isSpanContextValid(spanContext)) return parent;
  }
  return trace.setSpan(parent, span);
}
