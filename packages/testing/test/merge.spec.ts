import { describe, expect, it } from 'vitest';
import { TEST_CONFIG_VALUES } from '../src/index.js';
import { deepMerge } from '../src/merge.js';

describe('deepMerge', () => {
  it('merges nested objects and lets the override win', () => {
    expect(deepMerge({ server: { host: 'a', port: 1 }, x: [1] }, { server: { port: 2 }, x: [3] })).toEqual({
      server: { host: 'a', port: 2 },
      x: [3],
    });
  });

  it('does not change its inputs (the shared test defaults stay as they are)', () => {
    const before = JSON.stringify(TEST_CONFIG_VALUES);
    deepMerge({ ...TEST_CONFIG_VALUES }, { server: { port: 9 } });
    expect(JSON.stringify(TEST_CONFIG_VALUES)).toBe(before);
  });
});
