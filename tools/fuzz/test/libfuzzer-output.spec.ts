import { describe, expect, it } from 'vitest';
import { readFigures } from '../src/run/libfuzzer-output.js';

describe('libFuzzer output', () => {
  it('reads executions, coverage and corpus from a run that ended at its time budget', () => {
    const figures = readFigures('#2\tINITED cov: 3 ft: 3 corp: 1/1b exec/s: 0 rss: 158Mb\n#5000\tpulse  cov: 12 ft: 20 corp: 7/90b lim: 40 exec/s: 2500 rss: 160Mb\nDone 9000 runs in 4 second(s)\n');
    expect(figures).toEqual({ executions: 9000, coverage: 12, features: 20, corpusEntries: 7, finding: undefined, findingSummary: undefined });
  });

  it('reads the finding and what it threw from a run that found one', () => {
    const figures = readFigures(
      '#300\tNEW    cov: 9 ft: 9 corp: 4/20b\n==77== Uncaught Exception: InvariantViolation: the URIs do not read back\n    at holds (x)\n' +
        "artifact_prefix='out/'; Test unit written to out/crashes/san-text/crash-abc\nstat::number_of_executed_units: 312\n",
    );
    expect(figures.executions).toBe(312);
    expect(figures.finding).toBe('out/crashes/san-text/crash-abc');
    expect(figures.findingSummary).toBe('Uncaught Exception: InvariantViolation: the URIs do not read back');
  });
});
