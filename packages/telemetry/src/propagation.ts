import { context, propagation, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import type { IncomingMetadata } from '@rampart/core';

/** Reads string values from request metadata; binary (`-bin`) values are skipped. */
const metadataGetter: TextMapGetter<IncomingMetadata> = {
  get(carrier, key) {
    const values = carrier.get(key);
    if (values.length === 1) {
      const value = values[0];
      return typeof value === 'string' ? value : undefined;
    }
    const strings = values.filter((v): v is string => typeof v === 'string');
    return strings.length === 0 ? undefined : strings;
  },
  keys(carrier) {
    // grpc-js Metadata can list its keys; the W3C propagator only needs get().
    const getMap = (carrier as { getMap?: unknown }).getMap;
    return typeof getMap === 'function' ? Object.keys((getMap as () => object).call(carrier)) : [];
  },
};

type SetFn = (key: string, value: string) => void;

/** The carrier is the caller's `set` function itself, so injecting allocates nothing of ours. */
const functionSetter: TextMapSetter<SetFn> = {
  set(carrier, key, value) {
    carrier(key, value);
  },
};

/**
 * Reads the W3C trace context (`traceparent`, `tracestate`, and baggage when a baggage propagator is registered)
 * from incoming metadata into a new context based on `base` (default: the root context).
 *
 * @example
 * ```ts
 * const parent = extractTraceContext(call.metadata);
 * const span = tracer.startSpan('work', {}, parent);
 * ```
 */
export function extractTraceContext(metadata: IncomingMetadata, base: Context = context.active()): Context {
  return propagation.extract(base, metadata, metadataGetter);
}

/**
 * Writes the W3C trace context of `ctx` (default: the active context) into outgoing metadata via `set`. Does
 * nothing unless a propagator is registered (the OpenTelemetry SDK registers W3C trace context by default).
 *
 * @example
 * ```ts
 * const metadata = new grpc.Metadata();
 * injectTraceContext((key, value) => metadata.set(key, value));
 * ```
 */
export function injectTraceContext(set: (key: string, value: string) => void, ctx: Context = context.active()): void {
  propagation.inject(ctx, set, functionSetter);
}
