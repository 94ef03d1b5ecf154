// Every line written inside a call carries the active span's trace and span id (the pino mixin), child loggers
// included; outside a trace nothing is added.
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/index.js';
import { captureLines } from './fixtures.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => context.disable());

describe('trace context on log lines', () => {
  it('adds trace_id, span_id and trace_flags of the active span, on the root logger and its children, also after an await', async () => {
    const out = captureLines();
    const logger = createLogger({ name: 'orders', destination: out });
    const span = trace.wrapSpanContext({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED });
    await context.with(trace.setSpan(context.active(), span), async () => {
      logger.info('inside');
      await new Promise((resolve) => setTimeout(resolve, 1)); // a timer on purpose: the context must survive a real async hop
      logger.child({ rpc: '/x.v1.S/M' }).warn({ sku: 'A-1' }, 'child, later');
    });
    logger.info('outside');
    const [inside, child, outside] = out.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(inside).toMatchObject({ trace_id: TRACE_ID, span_id: SPAN_ID, trace_flags: '01', msg: 'inside' });
    expect(child).toMatchObject({ trace_id: TRACE_ID, span_id: SPAN_ID, rpc: '/x.v1.S/M', sku: 'A-1' });
    expect(outside).not.toHaveProperty('trace_id');
    expect(outside).not.toHaveProperty('span_id');
  });

  it('says 00 for a span context that is not sampled, and adds nothing for an invalid one', () => {
    const out = captureLines();
    const logger = createLogger({ name: 'orders', destination: out });
    const unsampled = trace.wrapSpanContext({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.NONE });
    context.with(trace.setSpan(context.active(), unsampled), () => logger.info('unsampled'));
    const invalid = trace.wrapSpanContext({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: TraceFlags.SAMPLED });
    context.with(trace.setSpan(context.active(), invalid), () => logger.info('invalid'));
    const [first, second] = out.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(first).toMatchObject({ trace_id: TRACE_ID, trace_flags: '00' });
    expect(second).not.toHaveProperty('trace_id');
  });
});
