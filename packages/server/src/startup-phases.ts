import type { Logger } from '@rampart/core';

/**
 * Wall time of an app's start-up phases, logged once, at debug, when it reports SERVING: where a start (every
 * deploy, every `pnpm dev` restart, every autoscaled pod) spends its time. The first phase runs from the process's
 * start (`performance.now()`'s origin) to `createApp()`: Node's own start-up and loading the app's modules.
 */
export class StartupPhases {
  readonly #phasesMs: Record<string, number> = {};
  #last = performance.now();

  constructor() {
    this.#phasesMs.moduleLoad = this.#last;
  }

  /** Ends the running phase, naming it; the next one starts now. */
  end(phase: string): void {
    const now = performance.now();
    this.#phasesMs[phase] = now - this.#last;
    this.#last = now;
  }

  /** Ends the last phase and logs every phase's ms and the total since the process started. */
  log(logger: Logger, phase: string, appName: string): void {
    this.end(phase);
    const round = (ms: number): number => Math.round(ms * 10) / 10;
    const phasesMs = Object.fromEntries(Object.entries(this.#phasesMs).map(([k, v]) => [k, round(v)]));
    logger.debug({ phasesMs, totalMs: round(this.#last) }, `${appName} start-up phases`);
  }
}
