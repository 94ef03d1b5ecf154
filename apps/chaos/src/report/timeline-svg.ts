import type { ChaosResult } from './chaos-result.js';

const WIDTH = 1100;
const LEFT = 150;
const LANE = 70;
const TOP = 50;
const esc = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const COLORS = ['#1f5fbf', '#2e8b3a', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f', '#ff7f0e', '#393b79'];

function polyline(points: readonly [number, number][], color: string): string {
  return points.length === 0 ? '' : `<polyline points="${points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}" fill="none" stroke="${color}" stroke-width="1.3"/>`;
}

/**
 * The run as an SVG timeline: valid calls per second, failed valid calls and accepted attacks per second, p99 per
 * second, and RSS per process; each fault a shaded band with its name, red when it failed.
 */
export function renderTimelineSvg(result: ChaosResult): string {
  const seconds = Math.max(1, result.perSecond.length);
  const x = (sec: number) => LEFT + ((WIDTH - 10 - LEFT) * sec) / seconds;
  const height = TOP + 4 * LANE + 40 + 11 * Math.floor(Object.keys(result.memory).length / 8);
  const lane = (i: number) => ({ top: TOP + i * LANE + 8, base: TOP + (i + 1) * LANE - 6 });
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    '<style>.l{font-size:12px}.s{font-size:10px;fill:#555}.a{stroke:#ccc}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
    `<text x="8" y="18" font-size="14">pnpm chaos (${result.mode}): ${result.total.validCalls} valid calls, ${result.total.validFailed} failed; ${result.total.invalidCalls} invalid, ${result.total.invalidAccepted} accepted</text>`,
  ];
  result.faults.forEach((f, i) => {
    const x0 = x(f.fromMs / 1_000);
    const x1 = x(f.toMs / 1_000);
    const fill = f.verdict === 'FAIL' ? '#ffe5e5' : i % 2 === 0 ? '#eef4ff' : '#f3ffee';
    parts.push(`<rect x="${x0.toFixed(1)}" y="${TOP - 14}" width="${Math.max(0, x1 - x0).toFixed(1)}" height="${4 * LANE + 14}" fill="${fill}"><title>${esc(`${f.name}: ${f.verdict}${f.reason ? ` (${f.reason})` : ''}`)}</title></rect>`);
    parts.push(`<text x="${(x0 + 2).toFixed(1)}" y="${TOP - 4 + (i % 2) * 10}" class="s">${esc(f.name)}</text>`);
    parts.push(`<line x1="${x(f.stepsEndMs / 1_000).toFixed(1)}" y1="${TOP}" x2="${x(f.stepsEndMs / 1_000).toFixed(1)}" y2="${TOP + 4 * LANE}" stroke="#999" stroke-dasharray="2,3"/>`);
  });
  const series = (i: number, label: string, unit: string, lines: { values: readonly number[]; color: string; name: string }[], atSec?: (j: number, k: number) => number) => {
    const { top, base } = lane(i);
    const max = Math.max(1, ...lines.flatMap((l) => l.values));
    const y = (v: number) => base - ((base - top) * v) / max;
    parts.push(`<text x="8" y="${top + 12}" class="l">${esc(label)}</text>`, `<text x="8" y="${top + 26}" class="s">max ${max.toFixed(max < 10 ? 1 : 0)} ${unit}</text>`);
    parts.push(`<line x1="${LEFT}" y1="${base}" x2="${WIDTH - 10}" y2="${base}" class="a"/>`);
    lines.forEach((l, k) => {
      parts.push(polyline(l.values.map((v, j) => [x(atSec ? atSec(j, k) : j + 0.5), y(v)]), l.color));
      if (lines.length > 1 || i === 3) parts.push(`<text x="${LEFT + 4 + (k % 8) * 115}" y="${base + 12 + Math.floor(k / 8) * 11}" class="s" fill="${l.color}">${esc(l.name)}</text>`);
    });
  };
  const ps = result.perSecond;
  series(0, 'valid calls/s', '/s', [{ values: ps.map((p) => p.valid), color: '#1f5fbf', name: 'valid' }]);
  series(1, 'failed / accepted /s', '/s', [
    { values: ps.map((p) => p.failed), color: '#d62728', name: 'valid failed' },
    { values: ps.map((p) => p.accepted), color: '#000000', name: 'invalid accepted' },
  ]);
  series(2, 'p99 latency', 'ms', [{ values: ps.map((p) => p.p99Ms), color: '#ff7f0e', name: 'p99' }]);
  const procs = Object.entries(result.memory);
  series(
    3,
    'RSS per process',
    'MB',
    procs.map(([name, samples], k) => ({ values: samples.map((s) => s.rssMb), color: COLORS[k % COLORS.length] ?? '#000', name })),
    (j, k) => (procs[k]?.[1][j]?.atMs ?? 0) / 1_000,
  );
  for (let sec = 0; sec <= seconds; sec += seconds > 600 ? 120 : seconds > 120 ? 30 : 10) {
    parts.push(`<text x="${x(sec).toFixed(1)}" y="${height - 8}" class="s" text-anchor="middle">${sec} s</text>`);
  }
  parts.push('</svg>');
  return `${parts.filter((p) => p !== '').join('\n')}\n`;
}
