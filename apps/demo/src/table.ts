/** One line of the demo's report. */
export interface Row {
  readonly scenario: string;
  readonly expected: string;
  readonly actual: string;
  readonly detail: string;
}

/** Renders rows as a fixed-width table with an `ok` column. */
export function renderTable(rows: readonly Row[]): string {
  const head = ['scenario', 'expected', 'actual', 'ok', 'detail'];
  const body = rows.map((r) => [r.scenario, r.expected, r.actual, r.expected === r.actual ? 'yes' : 'NO', r.detail]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
