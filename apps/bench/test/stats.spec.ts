import { describe, expect, it } from 'vitest';
import { LatencyRecorder, median, percentile } from '../src/stats.js';

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('is the smallest value with at least p % at or below it', () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 99.5)).toBe(100);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile(hundred, 1)).toBe(1);
    expect(percentile(hundred, 0.001)).toBe(1);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 51)).toBe(3);
  });

  it('handles one value, empty input, typed arrays and bad p', () => {
    expect(percentile([7], 50)).toBe(7);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
    expect(percentile(new Float64Array([0.5, 1.5, 2.5]), 99)).toBe(2.5);
    expect(() => percentile(hundred, 0)).toThrow(RangeError);
    expect(() => percentile(hundred, 101)).toThrow(RangeError);
  });
});

describe('median and the latency recorder', () => {
  it('median takes the middle (mean of two for an even count), in any order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('the recorder grows past its initial size, sorts numerically and resets', () => {
    const recorder = new LatencyRecorder();
    for (let i = 40_000; i >= 1; i--) recorder.record(i / 10);
    expect(recorder.count).toBe(40_000);
    expect(recorder.summary()).toEqual({ p50: 2000, p99: 3960 });
    recorder.reset();
    expect(recorder.summary().p50).toBeNaN();
  });
});
