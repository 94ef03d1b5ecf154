import { describe, expect, it } from 'vitest';
import { percentile, perSecond } from '../src/report/stats.js';

describe('percentile (nearest rank)', () => {
  it('is the smallest value with at least p % of the values at or below it', () => {
    const values = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 90)).toBe(9);
    expect(percentile(values, 99)).toBe(10);
    expect(percentile(values, 100)).toBe(10);
    expect(percentile(values, 1)).toBe(1);
  });

  it('of 1000 latencies, p99 is the 990th smallest', () => {
    const values = Array.from({ length: 1_000 }, (_, i) => 1_000 - i);
    expect(percentile(values, 99)).toBe(990);
    expect(percentile(values, 50)).toBe(500);
  });

  it('is NaN without values and refuses p outside (0, 100]', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('leaves its input unsorted', () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('perSecond', () => {
  it('counts times into whole seconds from the start and drops those outside', () => {
    const start = 1_000_000;
    expect(perSecond([start, start + 999, start + 1_000, start + 2_500, start - 1, start + 3_000], start, 3)).toEqual([2, 1, 1]);
  });
});
