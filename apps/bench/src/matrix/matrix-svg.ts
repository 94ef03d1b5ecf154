import { linearTicks, tickLabel } from '../report/chart-axes.js';
import { escapeXml } from '../report/svg.js';
import { MATRIX_METRICS, meets, type MatrixResults } from './matrix-results.js';

const WIDTH = 1040;
const HEIGHT = 500;
const LEFT = 70;
const RIGHT = 1020;
const TOP = 80;
const BOTTOM = 380;
const PALETTE = ['#9ca3af', '#2563eb', '#7c3aed', '#059669', '#d97706'];

/**
 * The matrix as a grouped bar chart: one group per ratio (issue 23's targets), one bar per Node version, the target
 * as a dashed line across its group; a bar that misses it is drawn hollow. Plain hand-written SVG.
 */
export function renderMatrixSvg(m: MatrixResults): string {
  const values = MATRIX_METRICS.map((metric) => m.entries.map((e) => metric.value(e)));
  const highest = Math.max(...values.flat().filter((v): v is number => v !== null && Number.isFinite(v)), ...MATRIX_METRICS.map((x) => x.limit));
  const ticks = linearTicks(highest * 1.08);
  const yMax = ticks.at(-1) as number;
  const y = (v: number): number => BOTTOM - (v / yMax) * (BOTTOM - TOP);
  const groupW = (RIGHT - LEFT) / MATRIX_METRICS.length;
  const barW = Math.min(26, (groupW - 16) / Math.max(m.entries.length, 1));
  const out: string[] = [
    `<text x="${LEFT}" y="28" font-size="18" font-weight="bold">Rampart vs bare grpc-js on each Node version (ratios; dashed: the target)</text>`,
    `<text x="${LEFT}" y="48" font-size="12" fill="#374151">${escapeXml(
      `${m.mode} run · ${m.entries.map((e) => e.node).join(', ')} · ${m.started_at.slice(0, 10)} · hollow bar: target missed`,
    )}</text>`,
    '<g data-axis="y">',
    `<line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${BOTTOM}" stroke="#111827"/>`,
    ...ticks.map(
      (t) =>
        `<line x1="${LEFT - 5}" y1="${y(t).toFixed(1)}" x2="${RIGHT}" y2="${y(t).toFixed(1)}" stroke="#e5e7eb"/>` +
        `<text x="${LEFT - 8}" y="${(y(t) + 4).toFixed(1)}" font-size="11" text-anchor="end">${tickLabel(t)}×</text>`,
    ),
    '</g>',
    '<g data-axis="x">',
    `<line x1="${LEFT}" y1="${BOTTOM}" x2="${RIGHT}" y2="${BOTTOM}" stroke="#111827"/>`,
  ];
  MATRIX_METRICS.forEach((metric, i) => {
    const gx = LEFT + i * groupW;
    const label = `${metric.label} ${metric.op === '<=' ? '≤' : '≥'} ${metric.limit}×`;
    const words = label.split(' ');
    const half = Math.ceil(words.length / 2);
    out.push(
      `<text x="${(gx + groupW / 2).toFixed(1)}" y="${BOTTOM + 18}" font-size="11" text-anchor="middle">${escapeXml(words.slice(0, half).join(' '))}</text>`,
      `<text x="${(gx + groupW / 2).toFixed(1)}" y="${BOTTOM + 32}" font-size="11" text-anchor="middle">${escapeXml(words.slice(half).join(' '))}</text>`,
    );
  });
  out.push('</g>');
  MATRIX_METRICS.forEach((metric, i) => {
    const gx = LEFT + i * groupW;
    const start = gx + (groupW - barW * m.entries.length) / 2;
    out.push(`<g data-metric="${metric.id}">`);
    m.entries.forEach((e, j) => {
      const v = values[i]?.[j] ?? null;
      if (v === null || !Number.isFinite(v)) return;
      const colour = PALETTE[j % PALETTE.length] as string;
      const missed = meets(metric, v) === false;
      const bx = start + j * barW;
      out.push(
        `<rect data-node="${escapeXml(e.node)}" x="${(bx + 1).toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(BOTTOM - y(v)).toFixed(1)}" ` +
          `fill="${missed ? '#ffffff' : colour}" stroke="${colour}" stroke-width="2"/>`,
        `<text x="${(bx + barW / 2).toFixed(1)}" y="${(y(v) - 4).toFixed(1)}" font-size="9" text-anchor="middle">${v.toFixed(2)}</text>`,
      );
    });
    out.push(
      `<line data-target="${metric.limit}" x1="${(gx + 6).toFixed(1)}" y1="${y(metric.limit).toFixed(1)}" x2="${(gx + groupW - 6).toFixed(1)}" y2="${y(metric.limit).toFixed(1)}" stroke="#b91c1c" stroke-dasharray="5 3"/>`,
      '</g>',
    );
  });
  const legendY = HEIGHT - 40;
  m.entries.forEach((e, j) => {
    const lx = LEFT + j * 180;
    out.push(
      `<rect x="${lx}" y="${legendY - 10}" width="14" height="12" fill="${PALETTE[j % PALETTE.length] as string}"/>`,
      `<text x="${lx + 20}" y="${legendY}" font-size="12">${escapeXml(`Node ${e.node}`)}</text>`,
    );
  });
  out.push(
    `<text x="${LEFT}" y="${HEIGHT - 14}" font-size="11" fill="#6b7280">Each ratio: Rampart ÷ bare grpc-js on the same Node (req/s vs NestJS: Rampart ÷ NestJS). Server CPU from process.cpuUsage(); start-up: spawn → first SERVING health answer.</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}
