import { describe, expect, it } from 'vitest';
import { selectFaults, SCHEDULE } from '../src/faults/schedule.js';
import { parseFlags } from '../src/flags.js';

describe('flags and the schedule', () => {
  it('has defaults for a full run and smaller ones for --quick', () => {
    expect(parseFlags([])).toMatchObject({ quick: false, rate: 40, channels: 100, inventoryReplicas: 3, tokenTtlSec: 30 });
    expect(parseFlags(['--', '--quick'])).toMatchObject({ quick: true, channels: 32, inventoryReplicas: 2, steadyMs: 5_000 });
    expect(parseFlags(['--soak', '30'])).toMatchObject({ soakMinutes: 30, streams: 500, tokenTtlSec: 300 });
  });

  it('names the flag at fault', () => {
    expect(() => parseFlags(['--rate', 'fast'])).toThrow(/--rate: expected a number >= 1, got fast/);
    expect(() => parseFlags(['--soak', '10', '--quick'])).toThrow(/--soak runs no faults/);
    expect(() => parseFlags(['--orders', '1'])).toThrow(/--orders/);
  });

  it('picks the quick subset, or faults by part of their name, and refuses a name that matches none', () => {
    const quick = selectFaults({ quick: true, only: [] });
    expect(quick.length).toBeGreaterThan(3);
    expect(quick.length).toBeLessThan(SCHEDULE.length);
    expect(quick.every((f) => f.quick)).toBe(true);
    expect(selectFaults({ quick: false, only: ['redis'] }).map((f) => f.name)).toEqual(['Redis down', 'Redis frozen (SIGSTOP)']);
    expect(() => selectFaults({ quick: false, only: ['meteor'] })).toThrow(/names no fault/);
  });

  it('gives every unplanned fault an expected outcome and planned events no allowed failure', () => {
    for (const f of SCHEDULE) {
      expect(f.expected.length).toBeGreaterThan(10);
      if (f.planned) expect(f.allowed).toEqual([]);
    }
  });
});
