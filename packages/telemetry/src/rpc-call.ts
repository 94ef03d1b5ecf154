import { SpanStatusCode, type Context, type Histogram, type Span } from '@opentelemetry/api';
import { statusMessage, toException } from './exception.js';
import type { MethodTelemetry } from './method-telemetry.js';
import type { RpcCallTelemetry } from './rpc-telemetry-types.js';

/**
 * The duration histograms a call records into: the stable one (seconds) and, under `rpc/dup`, the pre-stable one
 * (milliseconds). Undefined when nothing records it (the API's no-op meter).
 *
 * @example
 * ```ts
 * const durations: Durations = { stable: meter.createHistogram('rpc.server.call.duration'), old: undefined };
 * ```
 */
export interface Durations {
  readonly stable: Histogram | undefined;
  readonly old: Histogram | undefined;
}

/**
 * The telemetry of one call, server or client: its context and span, and the idempotent `end()`.
 *
 * @example
 * ```ts
 * const call = new RpcCall(ctx, span, info, durations, performance.now());
 * call.end(Status.INTERNAL, err);
 * ```
 */
export class RpcCall implements RpcCallTelemetry {
  private ended = false;

  constructor(
    readonly context: Context,
    readonly span: Span,
    private readonly method: MethodTelemetry,
    private readonly durations: Durations,
    private readonly startedAt: number,
  ) {}

  end(status: number, error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    const span = this.span;
    const { stable, old } = this.durations;
    const recording = span.isRecording();
    if (recording || stable !== undefined || old !== undefined) {
      const attributes = this.method.status(status);
      if (recording) {
        span.setAttributes(attributes.span);
        if (error !== undefined) span.recordException(toException(error));
        if (this.method.failed(status)) span.setStatus({ code: SpanStatusCode.ERROR, message: statusMessage(status, error) });
      }
      const ms = performance.now() - this.startedAt;
      stable?.record(ms / 1000, attributes.stable);
      if (attributes.old !== undefined) old?.record(ms, attributes.old);
    }
    span.end();
  }
}
