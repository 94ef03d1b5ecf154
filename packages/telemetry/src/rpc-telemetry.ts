import {
  context,
  createNoopMeter,
  INVALID_SPAN_CONTEXT,
  metrics,
  propagation,
  ProxyTracerProvider,
  ROOT_CONTEXT,
  trace,
  type Context,
  type Histogram,
  type Meter,
  type Span,
  type TracerProvider,
} from '@opentelemetry/api';
import { METRIC_RPC_CLIENT_CALL_DURATION, METRIC_RPC_SERVER_CALL_DURATION } from '@opentelemetry/semantic-conventions';
import type { MethodInfo } from '@rampart/core';
import { MethodTelemetry } from './method-telemetry.js';
import { extractTraceContext } from './propagation.js';
import { RpcCall, type Durations } from './rpc-call.js';
import type { RpcTelemetry, RpcTelemetryOptions } from './rpc-telemetry-types.js';
import { METRIC_RPC_CLIENT_DURATION, METRIC_RPC_SERVER_DURATION, rpcSemconvFromEnv, type RpcSemconv } from './semconv.js';
import { serverAddressOf } from './server-address.js';

const SCOPE = '@rampart/telemetry';

/** The bucket boundaries the RPC semantic conventions advise for the call duration histograms, in seconds. */
const DURATION_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/**
 * Creates the RPC telemetry of an app by the OpenTelemetry RPC semantic conventions: one SERVER span per incoming
 * call, parented by the caller's W3C trace context, one CLIENT span per outgoing call, and the
 * `rpc.server.call.duration` / `rpc.client.call.duration` histograms (seconds); with `OTEL_SEMCONV_STABILITY_OPT_IN=rpc/dup`
 * also the pre-stable attributes and the `rpc.server.duration` / `rpc.client.duration` histograms (milliseconds).
 * With no OpenTelemetry SDK registered it costs the API's no-op path and nothing more: attributes are built once per
 * method, and a call without a recording span gets the incoming context as it is.
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
  const semconv = options.semconv ?? rpcSemconvFromEnv();
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE);
  const server = durations(meter, semconv, 'server');
  const client = durations(meter, semconv, 'client');
  const methods = new WeakMap<MethodInfo, MethodTelemetry>();
  const clock = (d: Durations): boolean => d.stable !== undefined || d.old !== undefined;

  return {
    startServerCall(method, metadata, startedAt = clock(server) ? performance.now() : 0) {
      let info = methods.get(method);
      if (info === undefined) {
        info = new MethodTelemetry('server', method.service, method.name, semconv);
        methods.set(method, info);
      }
      // Nothing registered (no tracing SDK, no propagator): the span would be a no-op wrapping the invalid span
      // context and the context the root one, whatever the call brings; skip making them.
      if (idle?.() === true) return new RpcCall(ROOT_CONTEXT, IDLE_SPAN, info, server, startedAt);
      const parent = extractTraceContext(metadata, ROOT_CONTEXT);
      const span = tracer.startSpan(info.spanName, info.spanOptions, parent);
      return new RpcCall(contextFor(span, parent), span, info, server, startedAt);
    },
    clientMethod(service, method, target) {
      const info = new MethodTelemetry('client', service, method.name, semconv, serverAddressOf(target));
      return {
        start(parent: Context = context.active()) {
          const startedAt = clock(client) ? performance.now() : 0;
          if (idle?.() === true) return new RpcCall(parent, IDLE_SPAN, info, client, startedAt);
          const span = tracer.startSpan(info.spanName, info.spanOptions, parent);
          return new RpcCall(contextFor(span, parent), span, info, client, startedAt);
        },
      };
    },
  };
}

/** The duration histograms of one side; a histogram from the API's no-op meter stays undefined (no clock read). */
function durations(meter: Meter, semconv: RpcSemconv, side: 'server' | 'client'): Durations {
  const noop = createNoopMeter().createHistogram(SCOPE);
  const live = (histogram: Histogram): Histogram | undefined => (histogram === noop ? undefined : histogram);
  const direction = side === 'server' ? 'incoming' : 'outgoing';
  const stable = meter.createHistogram(side === 'server' ? METRIC_RPC_SERVER_CALL_DURATION : METRIC_RPC_CLIENT_CALL_DURATION, {
    description: `Measures the duration of an ${direction} Remote Procedure Call (RPC).`,
    unit: 's',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS_S },
  });
  const old =
    semconv === 'dup'
      ? meter.createHistogram(side === 'server' ? METRIC_RPC_SERVER_DURATION : METRIC_RPC_CLIENT_DURATION, {
          description: `Measures the duration of ${side === 'server' ? 'inbound' : 'outbound'} RPC.`,
          unit: 'ms',
        })
      : undefined;
  return { stable: live(stable), old: old === undefined ? undefined : live(old) };
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
  // An empty proxy delegates to the API's shared no-op provider, the one a fresh proxy has. (No probe span: with an
  // SDK registered it would be a real span, exported.)
  const noop = new ProxyTracerProvider().getDelegate();
  if (provider.getDelegate() !== noop) return undefined;
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
