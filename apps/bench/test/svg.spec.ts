import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../src/report/markdown.js';
import { escapeXml, renderSvg } from '../src/report/svg.js';
import type { RoundSample } from '../src/result-types.js';
import { buildResults } from '../src/results.js';
import { FULL, SCENARIOS, SCENARIO_NAMES } from '../src/scenarios.js';

const sample = (cpu: number, units: number): RoundSample => ({
  server: { cpuUs: cpu * units, units, wallMs: 1000, maxRssMb: 90, startUs: 0, endUs: 1e6, gcMs: 100, gcMaxMs: 8, gcCount: 30, gcMinorMs: 80, gcMajorMs: 20, heapAfterStartMb: 14.25 },
  load: { units, wallMs: 1000, p50Ms: 2, p99Ms: 4, cpuUs: 30 * units },
  errors: 0,
  firstError: undefined,
  foreignCores: 0,
});

const results = buildResults(
  {
    settings: FULL,
    startedAt: new Date('2026-01-01T00:00:00Z'),
    finishedAt: new Date('2026-01-01T00:05:00Z'),
    cpus: 2,
    node: 'v20.20.2',
    pinned: true,
    loadavgBefore: [0, 0, 0],
    loadavgAfter: [0, 0, 0],
  },
  new Map(SCENARIO_NAMES.map((name, i) => [name, [sample(100 + i * 10, 10_000 - i * 500)]])),
  [200],
  null,
);

describe('the SVG chart', () => {
  const svg = renderSvg(results);

  it('is one SVG document with a row, label and both bars for every scenario', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    for (const name of SCENARIO_NAMES) {
      expect(svg).toContain(`data-scenario="${name}"`);
      expect(svg).toContain(`>${escapeXml(SCENARIOS[name].label)}<`);
    }
    expect(svg.match(/<rect /g)).toHaveLength(1 + 2 * SCENARIO_NAMES.length);
    expect(svg.match(/<g /g)).toHaveLength(svg.match(/<\/g>/g)!.length);
  });

  it('labels the panels, the units and the targets', () => {
    expect(svg).toContain('server CPU µs per request');
    expect(svg).toContain('requests per second');
    expect(svg).toContain('msg/s');
    expect(svg).toMatch(/(PASS|MISS|n\/a)<\/tspan> Rampart full auth \(warm\) server CPU\/call/);
  });

  it('escapes text', () => {
    expect(escapeXml(`<a & 'b' "c">`)).toBe('&lt;a &amp; &apos;b&apos; &quot;c&quot;&gt;');
  });
});

describe('the Markdown report', () => {
  it('has a table row per scenario and a PASS/MISS/n/a verdict per target', () => {
    const md = renderMarkdown(results);
    for (const name of SCENARIO_NAMES) expect(md).toContain(`| ${SCENARIOS[name].label}`);
    // Every row has the heap the server started with (the samples say 14.25 MB), in its own column.
    expect(md).toContain('| heap after start MB |');
    const rows = md.split('\n').filter((l) => SCENARIO_NAMES.some((name) => l.startsWith(`| ${SCENARIOS[name].label}`)));
    expect(rows).toHaveLength(SCENARIO_NAMES.length);
    for (const row of rows) expect(row.split(' | ')[8]).toBe('14.3');
    const verdicts = md.split('\n').filter((l) => /\| (\*\*PASS\*\*|\*\*MISS\*\*|n\/a) \|$/.test(l));
    expect(verdicts).toHaveLength(results.targets.length);
  });
});
