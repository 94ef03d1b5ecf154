import { describe, expect, it } from 'vitest';
import type { ChaosRecord } from '../src/report/chaos-record.js';
import { compareRuns } from '../src/report/compare-runs.js';
import { renderTable } from '../src/report/render-table.js';
import { buildResult } from '../src/report/summarize.js';
import { renderTimelineSvg } from '../src/report/timeline-svg.js';

const START = 2_000_000;
const records: ChaosRecord[] = [
  { caller: 'valid', kind: 'GetOrder', fault: 'steady', startedAt: START + 500, latencyMs: 4, status: 'OK' },
  { caller: 'valid', kind: 'PlaceOrder', fault: 'Redis down', startedAt: START + 3_500, latencyMs: 9, status: 'UNAVAILABLE', details: 'replay store unavailable' },
  { caller: 'invalid', kind: 'expired-token', fault: 'Redis down', startedAt: START + 3_600, latencyMs: 2, status: 'UNAUTHENTICATED' },
];
const result = buildResult({
  start: START,
  end: START + 12_000,
  mode: 'only',
  network: { kind: 'netns', cidr: '10.77.3.0/24' },
  settings: { rate: 40 },
  windows: [
    { name: 'steady', planned: true, allowed: [], expected: 'no valid call fails', from: START, stepsEnd: START + 3_000, to: START + 3_000 },
    { name: 'Redis down', planned: false, allowed: ['DEADLINE_EXCEEDED'], expected: 'one-time tokens fail closed', from: START + 3_000, stepsEnd: START + 6_000, to: START + 12_000 },
  ],
  records,
  samples: [
    { at: START + 1_000, process: 'orders-1', rssMb: 80 },
    { at: START + 2_000, process: 'orders-1', rssMb: 81 },
  ],
});

describe('chaos report', () => {
  it('gives a row per fault with its verdict and reason, the attacks, and the failed calls', () => {
    const table = renderTable(result);
    expect(table).toMatch(/steady\s+planned.*pass/);
    expect(table).toMatch(/Redis down\s+fault.*1 \(UNAVAILABLE 1\).*FAIL: valid calls failed with UNAVAILABLE, not an expected status/);
    expect(table).toMatch(/expired-token\s+1\s+0\s+UNAUTHENTICATED 1/);
    expect(table).toContain('1 × PlaceOrder UNAVAILABLE (replay store unavailable), +3.5 … +3.5 s');
    expect(result.passed).toBe(false);
  });

  it('draws a band per fault (red when it failed) and a line per series', () => {
    const svg = renderTimelineSvg(result);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Redis down: FAIL');
    expect(svg).toContain('fill="#ffe5e5"');
    expect(svg.match(/<polyline/g)?.length).toBe(5);
    expect(svg).toContain('orders-1');
  });
});

describe('runs compared', () => {
  it('puts runs side by side, a row per fault of any run, and says which failed', () => {
    const passing = buildResult({
      start: START,
      end: START + 4_000,
      mode: 'full',
      network: { kind: 'netns', cidr: '10.77.3.0/24' },
      settings: {},
      windows: [{ name: 'steady', planned: true, allowed: [], expected: 'none fail', from: START, stepsEnd: START + 3_000, to: START + 3_000 }],
      records: [records[0] as ChaosRecord],
      samples: [],
    });
    const table = compareRuns([passing, result]);
    const lines = table.split('\n');
    expect(lines[0]).toBe('| fault | kind | run 1: valid calls / failed / invalid accepted / p99 ms / recovery s / verdict | run 2: valid calls / failed / invalid accepted / p99 ms / recovery s / verdict |');
    expect(lines[1]).toBe('| --- | --- | --- | --- |');
    expect(lines[2]).toBe('| steady | planned | 1 / 0 / 0 / 4 / 0.0 / pass | 1 / 0 / 0 / 4 / 0.0 / pass |');
    expect(lines[3]).toBe('| Redis down | fault | not run | 1 / 1 (UNAVAILABLE 1) / 0 / 9 / 0.0 / FAIL |');
    expect(table).toMatch(/run 1 \(.*, full\): 1 valid calls, 0 failed \(0 in planned events\); 0 invalid calls, 0 accepted; 4 s; passed\./);
    expect(table).toMatch(/run 2 \(.*, only\): 2 valid calls, 1 failed \(0 in planned events\); 1 invalid calls, 0 accepted; 12 s; FAILED\./);
  });
});
