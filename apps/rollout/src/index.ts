export { DnsServer } from './dns/dns-server.js';
export { percentile, perSecond } from './report/stats.js';
export { renderTable } from './report/render-table.js';
export { renderTimelineSvg } from './report/timeline-svg.js';
export type { RunResult } from './report/results.js';
