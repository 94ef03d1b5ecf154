import { describe, expect, it } from 'vitest';
import { curvePoint, renderCurveMarkdown, type CurveResults } from '../src/curve/curve-results.js';
import { renderCurveSvg } from '../src/curve/curve-svg.js';
import { MATRIX_METRICS, renderMatrixMarkdown, type MatrixResults } from '../src/matrix/matrix-results.js';
import { renderMatrixSvg } from '../src/matrix/matrix-svg.js';
import { linearTicks, logTicks, tickLabel } from '../src/report/chart-axes.js';
import type { RoundSample } from '../src/result-types.js';
import { buildResults, roundResult } from '../src/results.js';
import { QUICK, SCENARIO_NAMES } from '../src/scenarios.js';
import { summarizeStartup } from '../src/startup/startup-results.js';

const sample = (cpu: number, units: number, p50 = 2, p99 = 4, gcMax = 8): RoundSample => ({
  server: { cpuUs: cpu * units, units, wallMs: 1000, maxRssMb: 90, startUs: 0, endUs: 1e6, gcMs: 100, gcMaxMs: gcMax, gcCount: 30, gcMinorMs: 80, gcMajorMs: 20, heapAfterStartMb: 10 },
  load: { units, wallMs: 1000, p50Ms: p50, p99Ms: p99, cpuUs: 30 * units },
  errors: 0,
  firstError: undefined,
  foreignCores: 0,
});

const count = (text: string, pattern: RegExp): number => text.match(pattern)?.length ?? 0;

describe('chart axes', () => {
  it('puts round linear ticks from 0 past the maximum', () => {
    expect(linearTicks(23_000)).toEqual([0, 5_000, 10_000, 15_000, 20_000, 25_000]);
    expect(linearTicks(1.9)).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(linearTicks(0)).toEqual([0, 1]);
  });

  it('puts 1-2-5 log ticks around the range, and labels thousands with k', () => {
    expect(logTicks(0.3, 40)).toEqual([0.2, 0.5, 1, 2, 5, 10, 20, 50]);
    expect(tickLabel(15_000)).toBe('15k');
    expect(tickLabel(0.2)).toBe('0.2');
  });
});

describe('the latency curve', () => {
  const levels = [1, 8, 32, 128, 512];
  const points = (cpu: number, slow: number) =>
    levels.map((level, i) => curvePoint(level, [roundResult(sample(cpu, 1000 * (i + 1), 0.2 * slow * level, 0.5 * slow * level))]));
  const curve: CurveResults = {
    version: 1,
    kind: 'curve',
    mode: 'quick',
    started_at: '2026-12-06T09:00:00.000Z',
    duration_s: 10,
    node: 'v24.22.3',
    pinned: true,
    settings: QUICK,
    levels,
    series: { 'grpc-mtls': points(50, 1), 'rampart-auth-warm': points(60, 1.3) },
  };

  it('plots both axes and, for each server, a p50 and a p99 line with a point per level', () => {
    const svg = renderCurveSvg(curve);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('<g data-axis="x">');
    expect(svg).toContain('<g data-axis="y">');
    expect(svg).toContain('requests per second');
    expect(svg).toContain('Node v24.22.3');
    for (const series of ['grpc-mtls', 'rampart-auth-warm']) {
      for (const stat of ['p50', 'p99']) {
        const group = svg.split(`<g data-series="${series} ${stat}">`)[1]?.split('</g>')[0] ?? '';
        expect(count(group, /<polyline /g)).toBe(1);
        expect([...group.matchAll(/data-concurrency="(\d+)"/g)].map((m) => Number(m[1]))).toEqual(levels);
      }
    }
    expect(count(svg, /<circle /g)).toBe(4 * levels.length);
  });

  it('places a slower point higher: Rampart\'s p99 at 512 above bare\'s', () => {
    const svg = renderCurveSvg(curve);
    const cy = (series: string): number => {
      const group = svg.split(`<g data-series="${series} p99">`)[1] ?? '';
      return Number(/data-concurrency="512" cx="[\d.]+" cy="([\d.]+)"/.exec(group)?.[1]);
    };
    expect(cy('rampart-auth-warm')).toBeLessThan(cy('grpc-mtls')); // SVG y grows downwards
  });

  it('tabulates each level with both servers and the ratios, naming the Node', () => {
    const md = renderCurveMarkdown(curve);
    expect(md).toContain('Node v24.22.3');
    expect(count(md, /^\| \d+ \|/gm)).toBe(levels.length);
    expect(md).toContain('| 1 | 1,000 | 0.20 | 0.50 | 1,000 | 0.26 | 0.65 | 1.00× | 1.30× | 0 |');
  });
});

describe('the Node matrix', () => {
  const results = (bareCpu: number, warmCpu: number) =>
    buildResults(
      { settings: QUICK, startedAt: new Date(0), finishedAt: new Date(1000), cpus: 2, node: 'ignored', pinned: true, loadavgBefore: [0, 0, 0], loadavgAfter: [0, 0, 0] },
      new Map(SCENARIO_NAMES.map((name) => [name, [sample(name === 'grpc-mtls' ? bareCpu : name === 'rampart-auth-warm' ? warmCpu : 100, 10_000)]])),
      [100],
      null,
    );
  const startup = summarizeStartup(new Map([['grpc', [300]], ['rampart', [420]], ['rampart-bundle', [350]], ['nest', [900]]]), { node: 'v22.23.5', runs: 1, pinned: true }, null);
  const matrix: MatrixResults = {
    version: 1,
    kind: 'matrix',
    mode: 'quick',
    started_at: '2026-12-06T09:00:00.000Z',
    duration_s: 100,
    entries: [
      { node: 'v20.20.2', results: results(100, 105), startup: null },
      { node: 'v22.23.5', results: results(80, 100), startup },
      { node: 'v24.22.3', results: null, startup: null },
    ],
  };

  it('has one row per Node version, each ratio against that version\'s bare grpc-js, missed targets marked', () => {
    const md = renderMatrixMarkdown(matrix);
    const rows = md.split('\n').filter((l) => /^\| v\d/.test(l));
    expect(rows.map((r) => r.split(' | ')[0])).toEqual(['| v20.20.2', '| v22.23.5', '| v24.22.3']);
    expect(rows[0]).toContain('| 100.0 |');
    expect(rows[0]).toContain('1.05×'); // full auth CPU/call 105 / 100, within 1.10
    expect(rows[0]).not.toContain('1.05× ✗');
    expect(rows[1]).toContain('1.25× ✗'); // 100 / 80 misses 1.10
    expect(rows[1]).toContain('1.40×'); // start-up 420 / 300
    expect(rows[1]).toContain('300 / 420 / 350 / 900');
    expect(rows[2]).toContain('n/a');
    expect(md).toContain('## Node v22.23.5');
  });

  it('draws a bar per Node version in every ratio\'s group where it was measured, and each target', () => {
    const svg = renderMatrixSvg(matrix);
    expect(svg).toContain('<g data-axis="y">');
    for (const metric of MATRIX_METRICS) {
      const group = svg.split(`<g data-metric="${metric.id}">`)[1]?.split('</g>')[0] ?? '';
      const nodes = [...group.matchAll(/<rect data-node="([^"]+)"/g)].map((m) => m[1]);
      const expected = matrix.entries.filter((e) => metric.value(e) !== null).map((e) => e.node);
      expect(nodes).toEqual(expected);
      expect(group).toContain(`data-target="${metric.limit}"`);
    }
    // Node 24 has no figures: no bar anywhere; Node 22's full-auth CPU bar misses its target and is hollow.
    expect(svg).not.toContain('data-node="v24.22.3"');
    const warm = svg.split('<g data-metric="warm-cpu">')[1]?.split('</g>')[0] ?? '';
    expect(warm).toMatch(/data-node="v22.23.5"[^>]*fill="#ffffff"/);
    expect(warm).not.toMatch(/data-node="v20.20.2"[^>]*fill="#ffffff"/);
  });
});
