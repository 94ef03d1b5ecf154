import type { RunResult } from './results.js';

const LANE = 44;
const LEFT = 170;
const WIDTH = 1000;
const TOP = 40;

const esc = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A lane: a step line of per-second values scaled to `max`, with its label. */
function lane(y: number, label: string, values: readonly number[], max: number, color: string, x: (sec: number) => number): string {
  const base = y + LANE - 8;
  const scale = (v: number) => base - ((LANE - 14) * v) / Math.max(1, max);
  const points = values.flatMap((v, i) => [`${x(i).toFixed(1)},${scale(v).toFixed(1)}`, `${x(i + 1).toFixed(1)},${scale(v).toFixed(1)}`]);
  const peak = Math.max(0, ...values);
  return [
    `<text x="8" y="${base - 10}" class="label">${esc(label)}</text>`,
    `<text x="8" y="${base + 2}" class="small">peak ${peak}/s</text>`,
    `<line x1="${LEFT}" y1="${base}" x2="${WIDTH - 10}" y2="${base}" class="axis"/>`,
    points.length > 0 ? `<polyline points="${points.join(' ')}" fill="none" stroke="${color}" stroke-width="1.5"/>` : '',
  ].join('\n');
}

/**
 * The run as an SVG timeline: one lane per replica (calls it admitted per second), one lane of failed calls per
 * second, the phases as shaded bands, and per replica when it entered DNS (▲), left it (▼) and exited (✕), for
 * what happened after the load started.
 */
export function renderTimelineSvg(result: RunResult): string {
  const seconds = Math.max(1, Math.ceil(result.durationMs / 1_000));
  const x = (sec: number) => LEFT + ((WIDTH - 10 - LEFT) * sec) / seconds;
  const xMs = (t: number) => x(t / 1_000);
  const lanes = result.replicas.length + 1;
  const height = TOP + lanes * LANE + 30;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    '<style>.label{font-size:12px}.small{font-size:10px;fill:#666}.axis{stroke:#ccc}.event{font-size:11px}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="white"/>`,
    `<text x="8" y="18" font-size="14">pnpm rollout: calls admitted per replica per second, failed calls per second (${result.total.calls} calls, ${result.total.failed} failed)</text>`,
  );
  const shades: Record<string, string> = { before: '#ffffff', inventory: '#eef4ff', orders: '#f3ffee', after: '#ffffff' };
  for (const p of result.phases) {
    parts.push(`<rect x="${xMs(p.fromMs).toFixed(1)}" y="${TOP - 12}" width="${Math.max(0, xMs(p.toMs) - xMs(p.fromMs)).toFixed(1)}" height="${lanes * LANE + 12}" fill="${shades[p.phase] ?? '#fff'}"/>`);
    parts.push(`<text x="${(xMs(p.fromMs) + 3).toFixed(1)}" y="${TOP - 2}" class="small">${p.phase}</text>`);
  }
  const maxOf = (kind: string) => Math.max(1, ...result.replicas.filter((r) => r.kind === kind).flatMap((r) => r.perSecond));
  result.replicas.forEach((r, i) => {
    const y = TOP + i * LANE;
    parts.push(lane(y, `${r.id} ${r.address}`, r.perSecond, maxOf(r.kind), r.kind === 'inventory' ? '#1f5fbf' : '#2e8b3a', x));
    const base = y + LANE - 8;
    const mark = (t: number | undefined, glyph: string, title: string) =>
      t === undefined || t < 0 ? '' : `<text x="${(xMs(t) - 4).toFixed(1)}" y="${base + 6}" class="event"><title>${title}</title>${glyph}</text>`;
    parts.push(mark(r.addedToDnsAt, '▲', 'added to DNS'), mark(r.removedFromDnsAt, '▼', 'removed from DNS'), mark(r.exitedAt, '✕', `exited ${r.exitCode ?? ''}`));
  });
  const errorsY = TOP + result.replicas.length * LANE;
  parts.push(lane(errorsY, 'failed calls (load driver)', result.errorsPerSecond, Math.max(1, ...result.errorsPerSecond), '#d62728', x));
  for (let sec = 0; sec <= seconds; sec += seconds > 120 ? 30 : 10) {
    parts.push(`<text x="${x(sec).toFixed(1)}" y="${height - 10}" class="small" text-anchor="middle">${sec} s</text>`);
  }
  parts.push('</svg>');
  return parts.filter((p) => p !== '').join('\n') + '\n';
}
