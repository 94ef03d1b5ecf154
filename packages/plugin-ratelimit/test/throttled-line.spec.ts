import { describe, expect, it } from 'vitest';
import { ThrottledLine } from '../src/throttled-line.js';

describe('a throttled log line', () => {
  it('is due at the first event, then at most once per interval, with the events since the last line', () => {
    const line = new ThrottledLine(10_000);
    expect(line.count(0)).toBe(1);
    expect([1, 2, 9_999].map((t) => line.count(t))).toEqual([0, 0, 0]);
    expect(line.count(10_000)).toBe(4);
    expect(line.count(15_000)).toBe(0);
    expect(line.count(30_000)).toBe(2);
  });

  it('with an interval of 0, is due at every event', () => {
    const line = new ThrottledLine(0);
    expect([0, 0, 1].map((t) => line.count(t))).toEqual([1, 1, 1]);
  });
});
