import {
  createNoopMeter,
  type Attributes,
  type AttributeValue,
  type Counter,
  type Exception,
  type Meter,
  type MeterProvider,
  type Span,
  type SpanAttributes,
  type SpanContext,
  type SpanStatus,
  type TimeInput,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { randomBytes } from 'node:crypto';

// @opentelemetry/sdk-trace-base and sdk-metrics are dev dependencies of @rampart/telemetry only, so @rampart/auth's
// tests cannot import them. These are the smallest recording implementations of the API interfaces the server and
// the auditor use: spans that keep their attributes and events, and counters that keep every `add`.

/** A span that records what is done to it. */
export class RecordingSpan implements Span {
  readonly attributes: Record<string, AttributeValue | undefined> = {};
  readonly events: { name: string; attributes: SpanAttributes | undefined }[] = [];
  ended = false;
  readonly #context: SpanContext = {
    traceId: randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
    traceFlags: 1,
  };

  constructor(readonly name: string) {}

  spanContext(): SpanContext {
    return this.#context;
  }
  setAttribute(key: string, value: AttributeValue): this {
    this.attributes[key] = value;
    return this;
  }
  setAttributes(attributes: SpanAttributes): this {
    Object.assign(this.attributes, attributes);
    return this;
  }
  addEvent(name: string, attributesOrStartTime?: SpanAttributes | TimeInput): this {
    const attributes =
      typeof attributesOrStartTime === 'object' && !Array.isArray(attributesOrStartTime) && !(attributesOrStartTime instanceof Date)
        ? attributesOrStartTime
        : undefined;
    this.events.push({ name, attributes });
    return this;
  }
  addLink(): this {
    return this;
  }
  addLinks(): this {
    return this;
  }
  setStatus(_status: SpanStatus): this {
    return this;
  }
  updateName(): this {
    return this;
  }
  end(): void {
    this.ended = true;
  }
  isRecording(): boolean {
    return !this.ended;
  }
  recordException(_exception: Exception): void {}
}

/** A tracer provider whose spans are kept in `spans`, in start order. */
export function recordingTracerProvider(): TracerProvider & { readonly spans: RecordingSpan[] } {
  const spans: RecordingSpan[] = [];
  const tracer: Tracer = {
    startSpan(name) {
      const span = new RecordingSpan(name);
      spans.push(span);
      return span;
    },
    startActiveSpan: () => {
      throw new Error('startActiveSpan is not used by Rampart');
    },
  };
  return { spans, getTracer: () => tracer };
}

/** A meter provider whose counters keep every `add` in `adds` (other instruments are no-ops). */
export function recordingMeterProvider(): MeterProvider & {
  readonly adds: { counter: string; value: number; attributes: Attributes | undefined }[];
} {
  const adds: { counter: string; value: number; attributes: Attributes | undefined }[] = [];
  const meter = (): Meter => {
    const base = createNoopMeter();
    return Object.assign(base, {
      createCounter: (name: string): Counter => ({
        add: (value: number, attributes?: Attributes) => void adds.push({ counter: name, value, attributes }),
      }),
    });
  };
  return { adds, getMeter: meter };
}
