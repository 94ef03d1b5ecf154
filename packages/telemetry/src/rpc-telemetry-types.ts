import type { Context, MeterProvider, Span, TracerProvider } from '@opentelemetry/api';
import type { IncomingMetadata, MethodInfo } from '@rampart/core';

/**
 * The telemetry of one server call, from {@link RpcTelemetry.startServerCall}.
 *
 * @example
 * ```ts
 * const call = telemetry.startServerCall(method, metadata);
 * const res = await context.with(call.context, () => handler(req, ctx));
 * call.end(Status.OK);
 * ```
 */
export interface RpcCallTelemetry {
  /**
   * The OpenTelemetry context of the call, with the server span active in it (run the handler inside
   * context.with(this.context, ...)). With no SDK registered (a non-recording span that adds nothing) it is the
   * incoming context itself, which still carries the caller's trace context for propagation.
   */
  readonly context: Context;
  readonly span: Span;
  /**
   * Ends the span with the gRPC status code (rpc.grpc.status_code; span status ERROR for server-side-fault codes
   * per the RPC semconv: UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS), records the
   * exception if given (message and stack scrubbed of secrets, causes appended), and records the duration
   * histogram. Idempotent.
   */
  end(status: number, error?: unknown): void;
}

/**
 * Spans and metrics for gRPC server calls, from {@link createRpcTelemetry}.
 *
 * @example
 * ```ts
 * const telemetry: RpcTelemetry = createRpcTelemetry();
 * ```
 */
export interface RpcTelemetry {
  /**
   * Starts a SERVER span named `<service>/<method>` with rpc.system=grpc, rpc.service, rpc.method, parented by the
   * W3C trace context extracted from the incoming metadata (traceparent/tracestate). Pass the same `MethodInfo`
   * object on every call of a method: what does not change per call is built once per object. `startedAt`
   * (`performance.now()` when the call arrived) is where its duration starts; default: now.
   */
  startServerCall(method: MethodInfo, metadata: IncomingMetadata, startedAt?: number): RpcCallTelemetry;
}

/**
 * Options for {@link createRpcTelemetry}.
 *
 * @example
 * ```ts
 * const telemetry = createRpcTelemetry({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider });
 * ```
 */
export interface RpcTelemetryOptions {
  /** Default: the global tracer provider (a proxy: an SDK registered later is still picked up). */
  readonly tracerProvider?: TracerProvider;
  /**
   * Default: the global meter provider at the time of the call. The metrics API has no proxy: register the SDK
   * before calling {@link createRpcTelemetry}, or the histogram stays a no-op.
   */
  readonly meterProvider?: MeterProvider;
}
