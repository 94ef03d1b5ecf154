import { describe, expect, it } from 'vitest';
import type { ChaosRecord } from '../src/report/chaos-record.js';
import { collectWarnings, describeLogLine, renderWarnings, warningsDuring } from '../src/report/process-warnings.js';
import { renderTable } from '../src/report/render-table.js';
import { buildResult } from '../src/report/summarize.js';

const START = 5_000_000;
const line = (at: number, fields: Record<string, unknown>): string => JSON.stringify({ level: 40, time: START + at, ...fields });
const denyFromOrders = (at: number) =>
  line(at, { msg: 'auth deny: ERR_TOKEN_BINDING', audit: { decision: 'deny', detail: 'cnf x5t#S256 does not match', method: '/inv/Reserve', peer: 'spiffe://demo.rampart.dev/orders' } });
const denyOfAttacker = (at: number) => line(at, { msg: 'auth deny: ERR_TOKEN_MISSING', audit: { decision: 'deny', detail: 'no bearer token', method: '/orders/GetOrder' } });

describe('what the processes logged', () => {
  it('says why: the reason, the error message, an auth decision with its caller; a line that is not JSON as it was', () => {
    expect(describeLogLine(line(1, { msg: 'JWKS fetch failed, kept the last keys', reason: 'ECONNREFUSED' }))).toEqual({ at: START + 1, text: 'JWKS fetch failed, kept the last keys (ECONNREFUSED)' });
    expect(describeLogLine(line(2, { msg: 'handler failed', err: { message: 'boom' } })).text).toBe('handler failed (boom)');
    expect(describeLogLine(denyFromOrders(3)).text).toBe('auth deny: ERR_TOKEN_BINDING (cnf x5t#S256 does not match) (/inv/Reserve) (spiffe://demo.rampart.dev/orders)');
    expect(describeLogLine(denyOfAttacker(4)).text).toContain('(no certificate)');
    expect(describeLogLine('node:internal/modules/cjs/loader:1228 throw err;')).toEqual({ at: undefined, text: 'node:internal/modules/cjs/loader:1228 throw err;' });
    expect(describeLogLine('x'.repeat(500)).text).toHaveLength(200);
  });

  it('groups a window’s warnings by service and text, most frequent first, and leaves out those outside it', () => {
    const warnings = collectWarnings(
      [
        { name: 'inventory-1', problems: [denyFromOrders(1_000), denyFromOrders(1_400), denyFromOrders(9_000)] },
        { name: 'inventory-2', problems: [denyFromOrders(1_200)] },
        { name: 'orders-1', problems: [denyOfAttacker(1_100), 'not json'] },
      ],
      START,
    );
    expect(warnings.map((w) => w.atMs)).toEqual([1_000, 1_100, 1_200, 1_400, 9_000, undefined]);
    const during = warningsDuring(warnings, 500, 5_000);
    expect(during).toEqual([
      { text: expect.stringContaining('ERR_TOKEN_BINDING'), processes: ['inventory-1', 'inventory-2'], count: 3, firstMs: 1_000, lastMs: 1_400 },
      { text: expect.stringContaining('ERR_TOKEN_MISSING'), processes: ['orders-1'], count: 1, firstMs: 1_100, lastMs: 1_100 },
    ]);
    expect(renderWarnings(warnings).split('\n')[0]).toBe('+1.0 s inventory-1 auth deny: ERR_TOKEN_BINDING (cnf x5t#S256 does not match) (/inv/Reserve) (spiffe://demo.rampart.dev/orders)');
  });

  it('shows them under a fault whose calls failed, and not under one that passed', () => {
    const records: ChaosRecord[] = [
      { caller: 'valid', kind: 'GetOrder', fault: 'steady', startedAt: START + 500, latencyMs: 4, status: 'OK' },
      { caller: 'valid', kind: 'PlaceOrder', fault: 'CA rotation', startedAt: START + 3_500, latencyMs: 9, status: 'UNAVAILABLE', details: 'inventory unavailable' },
    ];
    const result = buildResult({
      start: START,
      end: START + 10_000,
      mode: 'only',
      network: { kind: 'netns', cidr: '10.77.3.0/24' },
      settings: {},
      windows: [
        { name: 'steady', planned: true, allowed: [], expected: 'none fail', from: START, stepsEnd: START + 3_000, to: START + 3_000 },
        { name: 'CA rotation', planned: true, allowed: [], expected: 'none fail', from: START + 3_000, stepsEnd: START + 6_000, to: START + 10_000 },
      ],
      records,
      samples: [],
      warnings: collectWarnings([{ name: 'inventory-1', problems: [denyFromOrders(1_000), denyFromOrders(3_600)] }], START),
    });
    expect(result.faults[0]?.logged).toBeUndefined();
    expect(result.faults[1]?.logged).toEqual([expect.objectContaining({ count: 1, firstMs: 3_600 })]);
    expect(renderTable(result)).toContain('logged 1 × by inventory-1: auth deny: ERR_TOKEN_BINDING (cnf x5t#S256 does not match) (/inv/Reserve) (spiffe://demo.rampart.dev/orders), +3.6 … +3.6 s');
  });
});
