import { describe, expect, it } from 'vitest';
import type { ChaosRecord } from '../src/report/chaos-record.js';
import { attributeFailuresToTheirEnd, buildResult, faultResult, soakVerdict, type FaultWindow } from '../src/report/summarize.js';

const START = 1_000_000;
const window = (over: Partial<FaultWindow> = {}): FaultWindow => ({
  name: 'f',
  planned: true,
  allowed: [],
  expected: 'nothing fails',
  from: START,
  stepsEnd: START + 10_000,
  to: START + 20_000,
  ...over,
});
const call = (at: number, status = 'OK', over: Partial<ChaosRecord> = {}): ChaosRecord => ({
  caller: 'valid',
  kind: 'GetOrder',
  fault: 'f',
  startedAt: START + at,
  latencyMs: 5,
  status,
  ...over,
});

describe('fault verdicts', () => {
  it('passes a planned event without failures and fails it on a single failed valid call', () => {
    expect(faultResult(window(), [call(1_000), call(2_000)], START).verdict).toBe('pass');
    const failed = faultResult(window(), [call(1_000), call(2_000, 'UNAVAILABLE')], START);
    expect(failed.verdict).toBe('FAIL');
    expect(failed.reason).toMatch(/planned event failed 1 valid calls/);
    expect(failed.failedBy).toEqual({ UNAVAILABLE: 1 });
  });

  it('fails any fault where an invalid call was accepted', () => {
    const r = faultResult(window({ planned: false, allowed: ['UNAVAILABLE'] }), [call(1_000, 'OK', { caller: 'invalid', kind: 'expired-token' })], START);
    expect(r.verdict).toBe('FAIL');
    expect(r.invalidAccepted).toBe(1);
  });

  it('allows an unplanned fault its documented statuses, measures recovery, and fails other statuses or no recovery', () => {
    const unplanned = window({ planned: false, allowed: ['UNAVAILABLE'] });
    const ok = faultResult(unplanned, [call(5_000, 'UNAVAILABLE'), call(12_500, 'UNAVAILABLE'), call(15_000)], START);
    expect(ok.verdict).toBe('pass');
    expect(ok.recoveryMs).toBe(2_500);
    expect(faultResult(unplanned, [call(5_000, 'INTERNAL')], START).reason).toMatch(/INTERNAL, not an expected status/);
    expect(faultResult(unplanned, [call(18_500, 'UNAVAILABLE')], START).reason).toMatch(/not recovered/);
  });

  it('leaves long-lived streams out of the latency percentile', () => {
    const r = faultResult(window(), [call(1_000), call(1_100, 'OK', { kind: 'TrackOrders (long-lived)', latencyMs: 90_000 })], START);
    expect(r.p99Ms).toBe(5);
  });

  it('fails the run when the steps of a fault threw', () => {
    const result = buildResult({
      start: START,
      end: START + 20_000,
      mode: 'quick',
      network: { kind: 'loopback', cidr: '127.77.1.0/24' },
      settings: {},
      windows: [window({ error: 'SIGHUP ended orders-1' })],
      records: [call(1_000)],
      samples: [],
    });
    expect(result.passed).toBe(false);
    expect(result.faults[0]?.reason).toMatch(/SIGHUP ended orders-1/);
  });
});

describe('attribution', () => {
  it('puts a failed call in the window where it ended, a successful one where it started', () => {
    const windows = [window({ name: 'a', from: START, to: START + 10_000 }), window({ name: 'b', from: START + 10_000, to: START + 20_000 })];
    const records = [
      call(9_900, 'UNAVAILABLE', { fault: 'a', latencyMs: 300 }),
      call(9_900, 'OK', { fault: 'a', latencyMs: 300 }),
      call(5_000, 'UNAVAILABLE', { fault: 'a', latencyMs: 10 }),
    ];
    attributeFailuresToTheirEnd(records, windows);
    expect(records.map((r) => r.fault)).toEqual(['b', 'a', 'a']);
  });
});

describe('soak verdict', () => {
  const samples = (name: string, values: number[]) => values.map((rssMb, i) => ({ at: START + i * 60_000, process: name, rssMb }));

  it('is flat within 5 % from the middle to the last third, per process; the first third is warm-up, shown and not judged', () => {
    const flat = soakVerdict([...samples('orders-1', [100, 102, 101, 103, 104, 105]), ...samples('issuer', [80, 80, 80, 81, 81, 82])], 6, 500);
    expect(flat.flat).toBe(true);
    expect(flat.processes[0]).toMatchObject({ warmUpMb: 101, middleThirdMb: 102, lastThirdMb: 104.5 });
    const growing = soakVerdict(samples('orders-1', [100, 105, 115, 125, 135, 150]), 6, 500);
    expect(growing.flat).toBe(false);
    expect(growing.processes[0]?.growth).toBeGreaterThan(0.05);
  });

  it('a process that fills a bounded cache during warm-up and then holds is flat; one that keeps growing after it is not', () => {
    // orders in a soak: its 10 000-order repository fills in the first ~11 minutes, then RSS holds (first vs last
    // third: +30 %, which the earlier verdict called a leak).
    const filled = soakVerdict(samples('orders-1', [190, 230, 272, 275, 277, 279, 279, 280, 280]), 9, 500);
    expect(filled.processes[0]).toMatchObject({ warmUpMb: 230.7, middleThirdMb: 277, lastThirdMb: 279.7, flat: true });
    const leaking = soakVerdict(samples('orders-1', [190, 230, 272, 275, 280, 286, 292, 298, 304]), 9, 500);
    expect(leaking.processes[0]?.growth).toBeGreaterThan(0.05);
    expect(leaking.flat).toBe(false);
  });

  const reported = (name: string, rows: [rss: number, heapUsed: number, heapTotal: number][]) =>
    rows.map(([rssMb, heapUsedMb, heapTotalMb], i) => ({ at: START + i * 60_000, process: name, rssMb, heapUsedMb, heapTotalMb }));

  it('a replica whose RSS grew only because V8 committed more heap is flat: its heap floor and native memory held', () => {
    const verdict = soakVerdict(reported('orders-1', [[100, 30, 40], [110, 33, 45], [130, 35, 60], [131, 45, 61], [150, 36, 80], [152, 50, 82]]), 6, 500);
    const orders = verdict.processes[0];
    expect(orders?.growth).toBeGreaterThan(0.05);
    expect(orders?.heapFloor).toEqual({ firstMb: 35, lastMb: 36, growth: 0.029 });
    expect(orders?.outsideHeap).toEqual({ firstMb: 70, lastMb: 70, growth: 0 });
    expect(verdict.flat).toBe(true);
  });

  it('a replica that keeps more live objects, or more native memory, after warm-up is not flat', () => {
    const heapLeak = soakVerdict(reported('orders-1', [[130, 35, 60], [131, 36, 61], [140, 45, 70], [150, 50, 80], [160, 60, 90], [170, 70, 100]]), 6, 500);
    expect(heapLeak.processes[0]?.heapFloor?.growth).toBeGreaterThan(0.05);
    expect(heapLeak.flat).toBe(false);
    const nativeLeak = soakVerdict(reported('orders-1', [[130, 35, 60], [131, 35, 60], [140, 35, 60], [150, 35, 60], [160, 35, 60], [170, 35, 60]]), 6, 500);
    expect(nativeLeak.processes[0]?.outsideHeap?.growth).toBeGreaterThan(0.05);
    expect(nativeLeak.flat).toBe(false);
  });
});
