import { linearTicks, logTicks, tickLabel } from '../report/chart-axes.js';
import { escapeXml } from '../report/svg.js';
import { CURVE_LABELS, CURVE_SERIES, type CurveResults, type CurveSeries } from './curve-results.js';

const WIDTH = 900;
const HEIGHT = 540;
const LEFT = 80;
const RIGHT = 860;
const TOP = 70;
const BOTTOM = 450;
const COLOURS: Readonly<Record<CurveSeries, string>> = { 'grpc-mtls': '#6b7280', 'rampart-auth-warm': '#2563eb' };

/**
 * The latency curve as a chart a person reads at a glance: x is requests/s, y is latency (ms, log scale); for each
 * server a p50 line (solid) and a p99 line (dashed) through its points, one point per number of calls in flight
 * (labelled). Plain hand-written SVG.
 */
export function renderCurveSvg(c: CurveResults): string {
  const points = CURVE_SERIES.flatMap((s) => c.series[s]);
  const finite = (values: number[]): number[] => values.filter((v) => Number.isFinite(v) && v > 0);
  const xTicks = linearTicks(Math.max(...finite(points.map((p) => p.rps)), 1) * 1.05);
  const latencies = finite(points.flatMap((p) => [p.p50_ms, p.p99_ms]));
  const yTicks = logTicks(latencies.length > 0 ? Math.min(...latencies) : 0.1, latencies.length > 0 ? Math.max(...latencies) : 10);
  const xMax = xTicks.at(-1) as number;
  const [yMin, yMax] = [Math.log10(yTicks[0] as number), Math.log10(yTicks.at(-1) as number)];
  const x = (rps: number): number => LEFT + (rps / xMax) * (RIGHT - LEFT);
  const y = (ms: number): number => BOTTOM - ((Math.log10(Math.max(ms, 1e-6)) - yMin) / Math.max(yMax - yMin, 1e-9)) * (BOTTOM - TOP);
  const out: string[] = [
    `<text x="${LEFT}" y="28" font-size="18" font-weight="bold">Latency against throughput: bare grpc-js mTLS vs Rampart full auth</text>`,
    `<text x="${LEFT}" y="48" font-size="12" fill="#374151">${escapeXml(
      `p50 (solid) and p99 (dashed) at ${c.levels.join(', ')} calls in flight · ${c.mode} run, medians of ${c.settings.rounds} rounds · Node ${c.node} · ${c.started_at.slice(0, 10)}`,
    )}</text>`,
    '<g data-axis="x">',
    `<line x1="${LEFT}" y1="${BOTTOM}" x2="${RIGHT}" y2="${BOTTOM}" stroke="#111827"/>`,
    ...xTicks.map(
      (t) =>
        `<line x1="${x(t).toFixed(1)}" y1="${BOTTOM}" x2="${x(t).toFixed(1)}" y2="${BOTTOM + 5}" stroke="#111827"/>` +
        `<text x="${x(t).toFixed(1)}" y="${BOTTOM + 18}" font-size="11" text-anchor="middle">${tickLabel(t)}</text>`,
    ),
    `<text x="${(LEFT + RIGHT) / 2}" y="${BOTTOM + 40}" font-size="13" text-anchor="middle">requests per second</text>`,
    '</g>',
    '<g data-axis="y">',
    `<line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${BOTTOM}" stroke="#111827"/>`,
    ...yTicks.map(
      (t) =>
        `<line x1="${LEFT - 5}" y1="${y(t).toFixed(1)}" x2="${RIGHT}" y2="${y(t).toFixed(1)}" stroke="#e5e7eb"/>` +
        `<text x="${LEFT - 8}" y="${(y(t) + 4).toFixed(1)}" font-size="11" text-anchor="end">${tickLabel(t)}</text>`,
    ),
    `<text x="20" y="${(TOP + BOTTOM) / 2}" font-size="13" text-anchor="middle" transform="rotate(-90 20 ${(TOP + BOTTOM) / 2})">latency ms (log scale)</text>`,
    '</g>',
  ];
  for (const series of CURVE_SERIES) {
    const colour = COLOURS[series];
    for (const [key, dash] of [['p50_ms', ''], ['p99_ms', ' stroke-dasharray="6 4"']] as const) {
      const pts = c.series[series].filter((p) => Number.isFinite(p.rps) && Number.isFinite(p[key]));
      out.push(
        `<g data-series="${series} ${key.slice(0, 3)}">`,
        `<polyline fill="none" stroke="${colour}" stroke-width="2"${dash} points="${pts.map((p) => `${x(p.rps).toFixed(1)},${y(p[key]).toFixed(1)}`).join(' ')}"/>`,
        ...pts.map(
          (p) =>
            `<circle data-concurrency="${p.concurrency}" cx="${x(p.rps).toFixed(1)}" cy="${y(p[key]).toFixed(1)}" r="3.5" fill="${colour}"/>` +
            (key === 'p99_ms' ? `<text x="${(x(p.rps) + 6).toFixed(1)}" y="${(y(p[key]) - 6).toFixed(1)}" font-size="10" fill="${colour}">${p.concurrency}</text>` : ''),
        ),
        '</g>',
      );
    }
  }
  const legendY = HEIGHT - 30;
  CURVE_SERIES.forEach((series, i) => {
    const lx = LEFT + i * 300;
    out.push(
      `<line x1="${lx}" y1="${legendY}" x2="${lx + 24}" y2="${legendY}" stroke="${COLOURS[series]}" stroke-width="2"/>`,
      `<text x="${lx + 30}" y="${legendY + 4}" font-size="12">${escapeXml(CURVE_LABELS[series])}</text>`,
    );
  });
  out.push(`<text x="${LEFT + 600}" y="${legendY + 4}" font-size="11" fill="#6b7280">numbers: calls in flight</text>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}
