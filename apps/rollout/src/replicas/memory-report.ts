/** The environment variable that turns the report on: its interval in ms (the chaos soak sets it). */
export const MEMORY_REPORT_ENV = 'ROLLOUT_MEMORY_REPORT_MS';

/** What a replica says of its memory: V8's heap (used, and committed) besides the RSS the harness reads from /proc. */
export interface MemoryReport {
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
  readonly rssMb: number;
}

const mb = (bytes: number): number => Math.round((bytes / 1_048_576) * 10) / 10;

/**
 * Writes a JSON line `{"msg":"memory usage","memory":{…}}` to stdout every `ROLLOUT_MEMORY_REPORT_MS`, when set.
 * RSS alone cannot tell a leak from V8 growing its heap lazily (the committed heap follows the allocation rate);
 * the used heap's floor and the memory outside the heap can ({@link MemoryReport}).
 *
 * @example
 * reportMemory(process.env); // in a replica's main, before it listens
 */
export function reportMemory(env: NodeJS.ProcessEnv): void {
  const interval = Number(env[MEMORY_REPORT_ENV] ?? '');
  if (!Number.isInteger(interval) || interval <= 0) return;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    const memory: MemoryReport = { heapUsedMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal), rssMb: mb(m.rss) };
    process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), msg: 'memory usage', memory })}\n`);
  }, interval);
  timer.unref();
}
