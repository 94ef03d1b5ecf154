import type { RouteRow } from './rows.js';

/**
 * The output formats of `rampart routes`.
 *
 * @example
 * ```ts
 * const format: RoutesFormat = 'markdown';
 * ```
 */
export type RoutesFormat = 'table' | 'json' | 'markdown';

const HEADERS = ['method', 'kind', 'mTLS', 'token', 'scopes', 'policies', 'public', 'interceptors'] as const;

function cells(row: RouteRow, services: number): string[] {
  const scopes = row.token
    ? [...row.token.scopes, ...(row.token.anyScopes.length > 0 ? [`any of ${row.token.anyScopes.join(' | ')}`] : [])].join(' ') || '-'
    : '-';
  return [
    services > 1 ? `${row.service.split('.').pop() ?? row.service}/${row.method}` : row.method,
    row.kind,
    row.mtls?.description ?? '-',
    row.token?.description ?? '-',
    scopes,
    [...row.policies, ...row.other.map((k) => `(${k})`)].join(', ') || '-',
    row.public ? 'yes' : 'no',
    row.interceptors.join(', ') || '-',
  ];
}

/**
 * Formats an app's routes: an aligned text table, JSON (`{ app, methods: RouteRow[] }`) or a Markdown table.
 *
 * @example
 * ```ts
 * io.out(formatRoutes('inventory', rows, 'table'));
 * ```
 */
export function formatRoutes(app: string, rows: readonly RouteRow[], format: RoutesFormat): string {
  if (format === 'json') return `${JSON.stringify({ app, methods: rows }, null, 2)}\n`;
  const services = new Set(rows.map((r) => r.service)).size;
  const body = rows.map((r) => cells(r, services));
  if (format === 'markdown') {
    const line = (values: readonly string[]): string => `| ${values.map((v) => v.replace(/\|/g, '\\|')).join(' | ')} |`;
    return `${[line(HEADERS), line(HEADERS.map(() => '---')), ...body.map(line)].join('\n')}\n`;
  }
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...body.map((c) => (c[i] as string).length)));
  const line = (values: readonly string[]): string => values.map((v, i) => v.padEnd(widths[i] as number)).join('  ').trimEnd();
  const names = [...new Set(rows.map((r) => r.service))].join(', ');
  const open = rows.filter((r) => r.public).length;
  return (
    `${app}: ${names}\n\n` +
    `${[line(HEADERS), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n')}\n\n` +
    `${rows.length} method${rows.length === 1 ? '' : 's'}, every one with an auth decision (checked at start-up); ${open} public\n`
  );
}
