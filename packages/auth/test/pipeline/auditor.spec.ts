import { metrics } from '@opentelemetry/api';
import type { Logger } from '@rampart/core';
import { RPC_SPAN } from '@rampart/telemetry/internal';
import { afterEach, describe, expect, it } from 'vitest';
import { DefaultAuthAuditor } from '../../src/pipeline/auditor.js';
import { RecordingSpan, recordingMeterProvider } from '../e2e/recording-telemetry.js';
import { callContext, peerWith } from '../mtls/fakes.js';

/** A logger at `level` that keeps what it logs. */
function loggerAt(level: 'debug' | 'info'): Logger & { lines: { level: string; obj: unknown; msg: string }[] } {
  const order = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
  const lines: { level: string; obj: unknown; msg: string }[] = [];
  const log = (at: string) => (obj: unknown, msg: string) => void lines.push({ level: at, obj, msg });
  const logger = {
    lines,
    isLevelEnabled: (l: string) => order.indexOf(l) >= order.indexOf(level),
    trace: log('trace'),
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    fatal: log('fatal'),
    child: () => logger,
  };
  return logger as unknown as Logger & { lines: { level: string; obj: unknown; msg: string }[] };
}

afterEach(() => metrics.disable());

describe('DefaultAuthAuditor.recordAllowed (allowed calls without an event)', () => {
  it('counts an allowed call and needs no event when nothing logs it and no span records it', () => {
    const meters = recordingMeterProvider();
    metrics.setGlobalMeterProvider(meters);
    const root = loggerAt('info');
    const ctx = { ...callContext(peerWith(['spiffe://example.org/orders'])), logger: root };
    const auditor = new DefaultAuthAuditor({ allow: 'debug', deny: 'warn' }, root);
    expect(auditor.recordAllowed(ctx)).toBe(true);
    expect(meters.adds).toEqual([{ counter: 'rampart.auth.decisions', value: 1, attributes: { decision: 'allow', reason: 'ok' } }]);
    expect(root.lines).toEqual([]);
  });

  it('asks for the event when the allow line would be logged', () => {
    const meters = recordingMeterProvider();
    metrics.setGlobalMeterProvider(meters);
    const root = loggerAt('debug');
    const ctx = { ...callContext(undefined), logger: root };
    const auditor = new DefaultAuthAuditor({ allow: 'debug', deny: 'warn' }, root);
    expect(auditor.recordAllowed(ctx)).toBe(false);
    expect(meters.adds).toEqual([]); // counted once, by record()
  });

  it('asks for the event when the call has a recording span (its attributes and decision event)', () => {
    metrics.setGlobalMeterProvider(recordingMeterProvider());
    const root = loggerAt('info');
    const ctx = { ...callContext(undefined), logger: root };
    ctx.values.set(RPC_SPAN, new RecordingSpan('rpc'));
    expect(new DefaultAuthAuditor({ allow: 'debug', deny: 'warn' }, root).recordAllowed(ctx)).toBe(false);
  });

  it('asks for the event when it cannot tell from a root logger whether the line is logged', () => {
    metrics.setGlobalMeterProvider(recordingMeterProvider());
    const ctx = { ...callContext(undefined), logger: loggerAt('info') };
    expect(new DefaultAuthAuditor({ allow: 'debug', deny: 'warn' }).recordAllowed(ctx)).toBe(false);
  });
});
