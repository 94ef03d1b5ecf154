import { readFileSync } from 'node:fs';

/** One memory sample of one process. */
export interface MemorySample {
  /** Epoch ms. */
  readonly at: number;
  readonly process: string;
  readonly rssMb: number;
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
    private readonly processes: () => readonly { name: string; pid: number }[],
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
      if (rss !== undefined) this.samples.push({ at, process: p.name, rssMb: Math.round(rss * 10) / 10 });
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
