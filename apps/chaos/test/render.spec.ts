import { describe, expect, it } from 'vitest';
import type { ChaosRecord } from '../src/report/chaos-record.js';
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
