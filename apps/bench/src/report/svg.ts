import type { BenchResults, ScenarioResult } from '../result-types.js';
import { presentScenarios } from '../results.js';
import { verdictText } from './verdict.js';
import type { ScenarioName } from '../scenarios.js';

/** Escapes text for SVG content and attributes. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string);
}

const WIDTH = 1040;
const LABEL_X = 16;
const CPU_X = 250;
const RPS_X = 640;
const PANEL_W = 300;
const ROW_H = 26;
const BAR_H = 16;

function colourOf(name: ScenarioName): string {
  if (name.includes('rampart')) return '#2563eb';
  if (name.startsWith('nest')) return '#dc2626';
  return '#6b7280';
}

const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a';

/**
 * A bar chart a person reads at a glance: one row per scenario, server CPU µs per request on the left (shorter is
 * better) and requests/s on the right (longer is better), unary calls and streams scaled separately, then the
 * targets with PASS/MISS. Plain hand-written SVG, no dependencies.
 */
export function renderSvg(results: BenchResults): string {
  const names = presentScenarios(results);
  const groups: { title: string; rows: [ScenarioName, ScenarioResult][] }[] = [
    { title: 'unary calls', rows: [] },
    { title: `server streaming (${results.settings.streamMessages} messages per stream; per message)`, rows: [] },
  ];
  for (const name of names) {
    const r = results.scenarios[name] as ScenarioResult;
    (r.unit === 'messages' ? groups[1] : groups[0])?.rows.push([name, r]);
  }
  const out: string[] = [];
  let y = 30;
  out.push(
    `<text x="${LABEL_X}" y="${y}" font-size="18" font-weight="bold">Rampart benchmark (${results.mode} run): server CPU per request and throughput</text>`,
  );
  y += 20;
  out.push(
    `<text x="${LABEL_X}" y="${y}" font-size="12" fill="#374151">${escapeXml(
      `median of ${results.settings.rounds} alternating rounds · ${results.machine.pinned ? 'server on core 0, load generator on core 1' : 'not pinned'} · Node ${results.machine.node} · ${results.started_at.slice(0, 10)}`,
    )}</text>`,
  );
  y += 30;
  out.push(
    `<text x="${CPU_X}" y="${y}" font-size="13" font-weight="bold">server CPU µs per request (shorter is better)</text>`,
    `<text x="${RPS_X}" y="${y}" font-size="13" font-weight="bold">requests per second (longer is better)</text>`,
  );
  y += 10;
  for (const group of groups) {
    if (group.rows.length === 0) continue;
    y += 20;
    out.push(`<text x="${LABEL_X}" y="${y}" font-size="12" font-style="italic" fill="#374151">${escapeXml(group.title)}</text>`);
    y += 8;
    const maxCpu = Math.max(...group.rows.map(([, r]) => (Number.isFinite(r.cpu_us_per_req) ? r.cpu_us_per_req : 0)), 1e-9);
    const maxRps = Math.max(...group.rows.map(([, r]) => (Number.isFinite(r.rps) ? r.rps : 0)), 1e-9);
    for (const [name, r] of group.rows) {
      const colour = colourOf(name);
      const cpuW = Math.max(1, (r.cpu_us_per_req / maxCpu) * PANEL_W) || 1;
      const rpsW = Math.max(1, (r.rps / maxRps) * PANEL_W) || 1;
      const textY = y + BAR_H - 3;
      out.push(
        `<g data-scenario="${escapeXml(name)}">`,
        `<text x="${LABEL_X}" y="${textY}" font-size="13">${escapeXml(r.label)}${r.errors > 0 ? ` (${r.errors} errors)` : ''}</text>`,
        `<rect x="${CPU_X}" y="${y}" width="${cpuW.toFixed(1)}" height="${BAR_H}" fill="${colour}" rx="2"/>`,
        `<text x="${(CPU_X + cpuW + 6).toFixed(1)}" y="${textY}" font-size="12">${fmt(r.cpu_us_per_req, 1)} µs</text>`,
        `<rect x="${RPS_X}" y="${y}" width="${rpsW.toFixed(1)}" height="${BAR_H}" fill="${colour}" rx="2" opacity="0.8"/>`,
        `<text x="${(RPS_X + rpsW + 6).toFixed(1)}" y="${textY}" font-size="12">${fmt(r.rps)}${r.unit === 'messages' ? ' msg/s' : '/s'}</text>`,
        '</g>',
      );
      y += ROW_H;
    }
  }
  y += 18;
  out.push(`<text x="${LABEL_X}" y="${y}" font-size="13" font-weight="bold">targets</text>`);
  for (const t of results.targets) {
    y += 18;
    const verdict = verdictText(t);
    const colour = t.pass === null ? '#6b7280' : t.settled === false ? '#b45309' : t.pass ? '#15803d' : '#b91c1c';
    out.push(
      `<text x="${LABEL_X}" y="${y}" font-size="12"><tspan font-weight="bold" fill="${colour}">${verdict}</tspan> ${escapeXml(
        `${t.label}: ${t.value === null ? 'n/a' : `${fmt(t.value, 2)}×`} (target ${t.op === '<=' ? '≤' : '≥'} ${fmt(t.limit, 2)}×` +
          `${t.rounds === null ? '' : `; rounds ${fmt(t.rounds.q1, 2)}-${fmt(t.rounds.q3, 2)}×, ${t.rounds.met}/${t.rounds.count} met`})`,
      )}</text>`,
    );
  }
  y += 24;
  out.push(
    `<text x="${LABEL_X}" y="${y}" font-size="11" fill="#6b7280">grey: bare grpc-js · blue: Rampart · red: NestJS. Server CPU = process.cpuUsage() of the server over the measured window ÷ requests it served.</text>`,
  );
  const height = y + 16;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}
