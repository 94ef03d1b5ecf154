import { expect } from 'vitest';
import { RampartError } from '../src/index.js';

/** The RampartError `run` throws (fails the test when it throws something else or nothing). */
export function refusal(run: () => unknown): RampartError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RampartError);
    return error as RampartError;
  }
  throw new Error('expected a refusal');
}
