/** What one Jazzer.js (libFuzzer) run printed, read back. */
export interface RunFigures {
  /** Inputs executed (libFuzzer's `number_of_executed_units`, or its last status line). */
  readonly executions: number;
  /** Coverage counters hit and features, from the last status line. */
  readonly coverage: number;
  readonly features: number;
  readonly corpusEntries: number;
  /** The input written for a crash or timeout, when there was one. */
  readonly finding: string | undefined;
  /** The first line of what the finding threw, when there was one. */
  readonly findingSummary: string | undefined;
}

/**
 * Reads the figures out of libFuzzer's output.
 *
 * @example
 * ```ts
 * readFigures('#2048\tpulse  cov: 12 ft: 14 corp: 3/40b ...\nDone 5000 runs in 2 second(s)').executions; // 5000
 * ```
 */
export function readFigures(output: string): RunFigures {
  const done = /Done (\d+) runs in/.exec(output) ?? /stat::number_of_executed_units:\s*(\d+)/.exec(output);
  const statusLines = [...output.matchAll(/^#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+) corp: (\d+)\//gm)];
  const last = statusLines.at(-1);
  const finding = /Test unit written to (\S+)/.exec(output)?.[1];
  const thrown = /==\d+== (.+)/.exec(output)?.[1] ?? /^(ALARM: .+)$/m.exec(output)?.[1];
  return {
    executions: Number(done?.[1] ?? last?.[1] ?? 0),
    coverage: Number(last?.[2] ?? 0),
    features: Number(last?.[3] ?? 0),
    corpusEntries: Number(last?.[4] ?? 0),
    finding,
    findingSummary: finding === undefined ? undefined : thrown,
  };
}
