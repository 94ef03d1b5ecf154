import {
  SpanKind,
  SpanStatusCode,
  type Attributes,
  type Context,
  type Histogram,
  type Span,
  type SpanOptions,
} from '@opentelemetry/api';
import { Status, type MethodInfo } from '@rampart/core';
import { statusMessage, toException } from './exception.js';
import type { RpcCallTelemetry } from './rpc-telemetry-types.js';

const ATTR_SYSTEM = 'rpc.system';
const ATTR_SERVICE = 'rpc.service';
const ATTR_METHOD = 'rpc.method';
const ATTR_STATUS = 'rpc.grpc.status_code';

/** Codes that mean the server failed, per the OpenTelemetry RPC semantic conventions for gRPC servers. */
const SERVER_FAULTS: ReadonlySet<number> = new Set([
  Status.UNKNOWN,
  Status.DEADLINE_EXCEEDED,
  Status.UNIMPLEMENTED,
  Status.INTERNAL,
  Status.UNAVAILABLE,
  Status.DATA_LOSS,
]);

/**
 * Everything about a method that does not change between calls, built on its first call: span name, span options
 * and metric attributes, so a call allocates none of them.
 *
 * @example
 * ```ts
 * const info = new MethodTelemetry(method);
 * tracer.startSpan(info.spanName, info.spanOptions, parent);
 * histogram.record(seconds, info.attributes(Status.OK));
 * ```
 */
export class MethodTelemetry {
  readonly spanName: string;
  readonly spanOptions: SpanOptions;
  private readonly base: Attributes;
  private readonly byStatus: (Attributes | undefined)[] = [];

  constructor(method: MethodInfo) {
    this.spanName = `${method.service}/${method.name}`;
    this.base = Object.freeze({ [ATTR_SYSTEM]: 'grpc', [ATTR_SERVICE]: method.service, [ATTR_METHOD]: method.name });
    this.spanOptions = Object.freeze({ kind: SpanKind.SERVER, attributes: this.base });
  }

  /** The metric attributes for a status, one frozen object per (method, status). */
  attributes(status: number): Attributes {
    const known = Number.isInteger(status) && status >= 0 && status <= 16;
    const cached = known ? this.byStatus[status] : undefined;
    if (cached !== undefined) return cached;
    const attributes = Object.freeze({ ...this.base, [ATTR_STATUS]: status });
    if (known) this.byStatus[status] = attributes;
    return attributes;
  }
}

/**
 * The telemetry of one server call: its context and span, and the idempotent `end()`.
 *
 * @example
 * ```ts
 * const call = new ServerCall(ctx, span, info, histogram, performance.now());
 * call.end(Status.INTERNAL, err);
 * ```
 */
export class ServerCall implements RpcCallTelemetry {
  private ended = false;

  constructor(
    readonly context: Context,
    readonly span: Span,
    private readonly method: MethodTelemetry,
    /** Undefined when nothing records it (the API's no-op meter). */
    private readonly duration: Histogram | undefined,
    private readonly startedAt: number,
  ) {}

  end(status: number, error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    const span = this.span;
    if (span.isRecording()) {
      span.setAttribute(ATTR_STATUS, status);
      if (error !== undefined) span.recordException(toException(error));
      if (SERVER_FAULTS.has(status)) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: statusMessage(status, error) });
      }
    }
    span.end();
    this.duration?.record((performance.now() - this.startedAt) / 1000, this.method.attributes(status));
  }
}
