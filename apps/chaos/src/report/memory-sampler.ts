import { readFileSync } from 'node:fs';

/** One memory sample of one process. */
export interface MemorySample {
  /** Epoch ms. */
  readonly at: number;
  readonly process: string;
  readonly rssMb: number;
  /** V8's used heap, when the process reports it (replicas during a soak). */
  readonly heapUsedMb?: number;
  /** V8's committed heap (part of the RSS), when the process reports it. */
  readonly heapTotalMb?: number;
}

/** A process to sample: its pid, and for a replica its last own memory report (heap figures /proc cannot give). */
export interface SampledProcess {
  readonly name: string;
  readonly pid: number;
  readonly heap?: () => { readonly heapUsedMb: number; readonly heapTotalMb: number } | undefined;
}

/** Resident set size of a process from /proc (MB), or undefined when it is gone or /proc is not there. */
export function rssMb(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples the RSS of every process the callback names, every `intervalMs`. */
export class MemorySampler {
  readonly samples: MemorySample[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly processes: () => readonly SampledProcess[],
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.sample();
    this.#timer = setInterval(() => this.sample(), this.intervalMs);
    this.#timer.unref();
  }

  sample(): void {
    const at = Date.now();
    for (const p of this.processes()) {
      const rss = rssMb(p.pid);
      if (rss === undefined) continue;
      const heap = p.heap?.();
      this.samples.push({ at, process: p.name, rssMb: Math.round(rss * 10) / 10, ...(heap ? { heapUsedMb: heap.heapUsedMb, heapTotalMb: heap.heapTotalMb } : {}) });
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
