import protobuf from 'protobufjs';
import { OTLP_TRACE_SCHEMA } from './otlp-trace-schema.js';

/**
 * One span as a test receiver saw it in an OTLP export: ids as lowercase hex (`parentSpanId` empty for a root
 * span), the kind by name, attributes as plain values, and the resource it came with.
 *
 * @example
 * ```ts
 * const server = receiver.spans.find((s: ReceivedSpan) => s.kind === 'SERVER' && s.service === 'orders');
 * ```
 */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  readonly kind: 'UNSPECIFIED' | 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly events: readonly { readonly name: string; readonly attributes: Readonly<Record<string, unknown>> }[];
  readonly status: { readonly code: 'UNSET' | 'OK' | 'ERROR'; readonly message: string };
  /** The resource's `service.name`. */
  readonly service: string | undefined;
  readonly resource: Readonly<Record<string, unknown>>;
  /** The instrumentation scope's name (`@rampart/telemetry`, `@opentelemetry/instrumentation-undici`, …). */
  readonly scope: string;
}

const KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;
const STATUS = ['UNSET', 'OK', 'ERROR'] as const;
const REQUEST = protobuf.parse(OTLP_TRACE_SCHEMA, { keepCase: false }).root.lookupType('opentelemetry.proto.ExportTraceServiceRequest');

interface KeyValue {
  key: string;
  value?: AnyValue;
}
interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: string;
}
interface DecodedRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: {
      scope?: { name?: string };
      spans?: {
        traceId?: string;
        spanId?: string;
        parentSpanId?: string;
        name?: string;
        kind?: number;
        attributes?: KeyValue[];
        events?: { name?: string; attributes?: KeyValue[] }[];
        status?: { code?: number; message?: string };
      }[];
    }[];
  }[];
}

function valueOf(value: AnyValue | undefined): unknown {
  if (value === undefined) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(valueOf);
  if (value.kvlistValue !== undefined) return attributesOf(value.kvlistValue.values);
  return value.bytesValue;
}

function attributesOf(list: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, valueOf(kv.value)]));
}

const hex = (base64: string | undefined): string => Buffer.from(base64 ?? '', 'base64').toString('hex');

/**
 * Decodes an OTLP `ExportTraceServiceRequest` (the protobuf body of `POST /v1/traces`, or of the gRPC
 * `TraceService/Export` call) into {@link ReceivedSpan}s.
 *
 * @example
 * ```ts
 * const spans = decodeSpans(body);
 * ```
 */
export function decodeSpans(body: Uint8Array): ReceivedSpan[] {
  const request = REQUEST.toObject(REQUEST.decode(body), { bytes: String, longs: String, defaults: false }) as DecodedRequest;
  const out: ReceivedSpan[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    const service = typeof resource['service.name'] === 'string' ? resource['service.name'] : undefined;
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        out.push({
          traceId: hex(span.traceId),
          spanId: hex(span.spanId),
          parentSpanId: hex(span.parentSpanId),
          name: span.name ?? '',
          kind: KINDS[span.kind ?? 0] ?? 'UNSPECIFIED',
          attributes: attributesOf(span.attributes),
          events: (span.events ?? []).map((e) => ({ name: e.name ?? '', attributes: attributesOf(e.attributes) })),
          status: { code: STATUS[span.status?.code ?? 0] ?? 'UNSET', message: span.status?.message ?? '' },
          service,
          resource,
          scope: scopeSpans.scope?.name ?? '',
        });
      }
    }
  }
  return out;
}
