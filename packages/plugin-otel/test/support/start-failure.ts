import type { RampartError } from '@rampart/core';

/** The error a start-up that must fail failed with; a start-up that succeeds fails the test. */
export const startFailure = (promise: Promise<unknown>): Promise<RampartError> =>
  promise.then(
    () => {
      throw new Error('start-up should have failed');
    },
    (e: unknown) => e as RampartError,
  );
