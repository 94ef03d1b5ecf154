/** A line a process of the system logged at warn or above (or a line that was not JSON), in the run's time. */
export interface ProcessWarning {
  /** ms since the run's start (the line's own `time`, or undefined for a line without one). */
  readonly atMs: number | undefined;
  readonly process: string;
  /**
   * `msg` and what says why: `reason`, `err.message`, `error`; for an auth decision its detail, method and the caller's
   * SPIFFE ID (denies of invalid callers and of a service's own calls look alike otherwise); the raw line when not JSON.
   */
  readonly text: string;
}

/** Warnings of one kind logged during a fault: same text, processes of the same service, counted. */
export interface LoggedCause {
  readonly text: string;
  readonly processes: readonly string[];
  readonly count: number;
  readonly firstMs: number;
  readonly lastMs: number;
}

type LogEntry = {
  time?: number;
  msg?: string;
  reason?: unknown;
  error?: unknown;
  err?: { message?: unknown; type?: unknown };
  audit?: { detail?: unknown; peer?: unknown; method?: unknown };
};

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** What one logged line says, as text (at most 200 characters). */
export function describeLogLine(line: string): { at: number | undefined; text: string } {
  let entry: LogEntry;
  try {
    entry = JSON.parse(line) as LogEntry;
  } catch {
    return { at: undefined, text: line.slice(0, 200) };
  }
  if (entry === null || typeof entry !== 'object') return { at: undefined, text: line.slice(0, 200) };
  const audit = entry.audit ? [str(entry.audit.detail), str(entry.audit.method), str(entry.audit.peer) ?? 'no certificate'] : [];
  const why = [str(entry.reason), str(entry.err?.message), str(entry.error), ...audit].filter((w): w is string => w !== undefined);
  const text = [str(entry.msg) ?? '(no msg)', ...why.map((w) => `(${w})`)].join(' ');
  return { at: typeof entry.time === 'number' ? entry.time : undefined, text: text.slice(0, 200) };
}

/** Every warning of every process, in time order (lines without a time last), times relative to `start`. */
export function collectWarnings(processes: readonly { name: string; problems: readonly string[] }[], start: number): ProcessWarning[] {
  const all = processes.flatMap((p) =>
    p.problems.map((line) => {
      const { at, text } = describeLogLine(line);
      return { atMs: at === undefined ? undefined : at - start, process: p.name, text };
    }),
  );
  return all.sort((a, b) => (a.atMs ?? Infinity) - (b.atMs ?? Infinity));
}

/** `inventory-3` → `inventory`: replicas of one service log the same things. */
const service = (process: string): string => process.replace(/-\d+$/, '');

/** The most frequent warnings logged from `fromMs` to `toMs`, grouped by service and text (numbers that vary removed). */
export function warningsDuring(warnings: readonly ProcessWarning[], fromMs: number, toMs: number, limit = 5): LoggedCause[] {
  const groups = new Map<string, { text: string; processes: Set<string>; count: number; firstMs: number; lastMs: number }>();
  for (const w of warnings) {
    if (w.atMs === undefined || w.atMs < fromMs || w.atMs >= toMs) continue;
    const text = w.text.replace(/\d+(\.\d+)?/g, 'N');
    const key = `${service(w.process)}|${text}`;
    const g = groups.get(key);
    if (g) {
      g.count += 1;
      g.processes.add(w.process);
      g.lastMs = Math.max(g.lastMs, w.atMs);
    } else groups.set(key, { text: w.text, processes: new Set([w.process]), count: 1, firstMs: w.atMs, lastMs: w.atMs });
  }
  return [...groups.values()]
    .sort((a, b) => b.count - a.count)
    .slice(0, limit)
    .map((g) => ({ text: g.text, processes: [...g.processes].sort(), count: g.count, firstMs: g.firstMs, lastMs: g.lastMs }));
}

/** The warnings as a log file: one line each, `+12.3 s inventory-2 text`. */
export function renderWarnings(warnings: readonly ProcessWarning[]): string {
  return warnings.map((w) => `${w.atMs === undefined ? '?' : `+${(w.atMs / 1_000).toFixed(1)} s`} ${w.process} ${w.text}`).join('\n') + '\n';
}
