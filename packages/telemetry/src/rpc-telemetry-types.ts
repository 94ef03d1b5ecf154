import type { Context, MeterProvider, Span, TracerProvider } from '@opentelemetry/api';
import type { IncomingMetadata, MethodDescriptor, MethodInfo } from '@rampart/core';
import type { RpcSemconv } from './semconv.js';

/**
 * The telemetry of one call, server or client, from {@link RpcTelemetry.startServerCall} or
 * {@link RpcClientMethodTelemetry.start}.
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
   * The OpenTelemetry context of the call, with its span active in it (run the handler, or inject the outgoing
   * metadata, inside it). With no SDK registered (a non-recording span that adds nothing) it is the parent context
   * itself, which still carries the caller's trace context for propagation.
   */
  readonly context: Context;
  readonly span: Span;
  /**
   * Ends the span with the gRPC status code (`rpc.status_code` by name, `error.type` when the call failed; span status
   * ERROR on a server for UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS, on a client for
   * every code but OK), records the exception if given (message and stack scrubbed of secrets, causes appended), and
   * records the duration histogram(s). Idempotent.
   */
  end(status: number, error?: unknown): void;
}

/**
 * The client-side telemetry of one method of one client, from {@link RpcTelemetry.clientMethod}.
 *
 * @example
 * ```ts
 * const call = reserveTelemetry.start();
 * injectTraceContext((k, v) => metadata.set(k, v), call.context);
 * ```
 */
export interface RpcClientMethodTelemetry {
  /**
   * Starts a CLIENT span for one call, a child of `parent` (default: the active context: the server call the client
   * is used in), and its duration clock.
   */
  start(parent?: Context): RpcCallTelemetry;
}

/**
 * Spans and metrics for gRPC calls by the OpenTelemetry RPC semantic conventions, from {@link createRpcTelemetry}.
 *
 * @example
 * ```ts
 * const telemetry: RpcTelemetry = createRpcTelemetry();
 * ```
 */
export interface RpcTelemetry {
  /**
   * Starts a SERVER span named `<package.Service>/<Method>` (`rpc.system.name=grpc`, `rpc.method`), parented by the W3C
   * trace context extracted from the incoming metadata. Pass the same `MethodInfo` object on every call of a method:
   * what does not change per call is built once per object. `startedAt` (`performance.now()` when the call arrived)
   * is where its duration (`rpc.server.call.duration`) starts; default: now.
   */
  startServerCall(method: MethodInfo, metadata: IncomingMetadata, startedAt?: number): RpcCallTelemetry;
  /**
   * The client-side telemetry of a method of `service` called on `target` (the gRPC target string: `server.address`
   * and `server.port` come from it): CLIENT spans and `rpc.client.call.duration`. Build it once per client method.
   */
  clientMethod(service: string, method: MethodDescriptor, target: string): RpcClientMethodTelemetry;
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
   * before calling {@link createRpcTelemetry}, or the histograms stay no-ops.
   */
  readonly meterProvider?: MeterProvider;
  /** Which conventions to emit; default: from `OTEL_SEMCONV_STABILITY_OPT_IN` (`rpc/dup`: both, else stable). */
  readonly semconv?: RpcSemconv;
}
