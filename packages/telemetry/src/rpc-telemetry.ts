import {
  createNoopMeter,
  INVALID_SPAN_CONTEXT,
  metrics,
  propagation,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  trace,
  type Context,
  type Span,
  type TracerProvider,
} from '@opentelemetry/api';
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
  const provider = options.tracerProvider ?? trace.getTracerProvider();
  const tracer = provider.getTracer(SCOPE);
  const idle = idleCheck(provider);
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE);
  const duration = meter.createHistogram('rpc.server.call.duration', {
    description: 'Duration of gRPC server calls, from the arrival of the metadata to the final status.',
    unit: 's',
    advice: { explicitBucketBoundaries: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] },
  });
  // A histogram from the API's no-op meter stays one (the API has no proxy meter provider): no clock read to feed it.
  const recorded = duration === createNoopMeter().createHistogram(SCOPE) ? undefined : duration;
  const methods = new WeakMap<MethodInfo, MethodTelemetry>();

  return {
    startServerCall(method, metadata, startedAt = recorded === undefined ? 0 : performance.now()) {
      let info = methods.get(method);
      if (info === undefined) {
        info = new MethodTelemetry(method);
        methods.set(method, info);
      }
      // Nothing registered (no tracing SDK, no propagator): the span would be a no-op wrapping the invalid span
      // context and the context the root one, whatever the call brings; skip making them.
      if (idle?.() === true) return new ServerCall(ROOT_CONTEXT, IDLE_SPAN, info, recorded, startedAt);
      const parent = extractTraceContext(metadata, ROOT_CONTEXT);
      const span = tracer.startSpan(info.spanName, info.spanOptions, parent);
      return new ServerCall(contextFor(span, parent), span, info, recorded, startedAt);
    },
  };
}

/** The span of every call while nothing is registered: the API's no-op span, shared (it has no state). */
const IDLE_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * For the API's global proxy provider with no tracing SDK behind it yet: a check, cheap enough for every call,
 * that nothing is registered still (no SDK delegate, no propagator). Undefined for any other provider, or when an
 * SDK is already there. An SDK or a propagator registered later turns it false for the calls after it.
 */
function idleCheck(provider: TracerProvider): (() => boolean) | undefined {
  if (!(provider instanceof ProxyTracerProvider)) return undefined;
  const noop = provider.getDelegate();
  const probe = noop.getTracer(SCOPE).startSpan('rampart.probe', undefined, ROOT_CONTEXT);
  probe.end();
  if (probe.isRecording() || probe.spanContext() !== INVALID_SPAN_CONTEXT) return undefined;
  return () => provider.getDelegate() === noop && propagation.fields().length === 0;
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
