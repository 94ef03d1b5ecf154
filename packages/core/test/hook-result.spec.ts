import { describe, expect, it } from 'vitest';
import { isThenable } from '../src/hook-result.js';
import { RampartError } from '../src/index.js';
import { settleHookResult } from '../src/internal.js';

const rejection = async (p: Promise<unknown> | undefined): Promise<unknown> => {
  expect(p).toBeInstanceOf(Promise);
  return (p as Promise<unknown>).then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
};

describe('isThenable', () => {
  it('is true for native promises and for any object or function with a callable then', () => {
    expect(isThenable(Promise.resolve())).toBe(true);
    expect(isThenable({ then: () => undefined })).toBe(true);
    expect(isThenable(Object.assign(() => undefined, { then: () => undefined }))).toBe(true);
  });

  it('is false for everything else', () => {
    for (const value of [undefined, null, false, 0, 'then', {}, { then: 1 }, () => undefined]) expect(isThenable(value)).toBe(false);
  });
});

describe('settleHookResult', () => {
  it('undefined: done, nothing to await', () => {
    expect(settleHookResult(undefined, 'hook')).toBeUndefined();
  });

  it('a non-native thenable that rejects: a native promise rejecting with its reason', async () => {
    const reason = new RampartError('ERR_POLICY_DENIED', 'permission denied');
    const thenable = { then: (_ok: unknown, fail: (e: unknown) => void) => setTimeout(() => fail(reason), 1) };
    expect(await rejection(settleHookResult(thenable, 'hook'))).toBe(reason);
  });

  it('a thenable whose then throws: rejects', async () => {
    const thenable = {
      then: () => {
        throw new Error('broken then');
      },
    };
    expect(await rejection(settleHookResult(thenable, 'hook'))).toMatchObject({ message: 'broken then' });
  });

  it('a thenable that resolves with nothing: resolves', async () => {
    const thenable = { then: (ok: (v: unknown) => void) => setTimeout(() => ok(undefined), 1) };
    await expect(settleHookResult(thenable, 'hook')).resolves.toBeUndefined();
  });

  it('a promise of a value: rejects with ERR_INTERNAL naming the hook', async () => {
    const error = await rejection(settleHookResult(Promise.resolve(false), 'stage "x"'));
    expect(error).toMatchObject({ code: 'ERR_INTERNAL', reason: expect.stringContaining('stage "x" resolved with boolean false') as unknown });
  });

  it('any other value: throws ERR_INTERNAL naming the hook', () => {
    expect(() => settleHookResult(false, 'stage "x"')).toThrow(/stage "x" returned boolean false/);
    expect(() => settleHookResult({ ok: true }, 'stage "x"')).toThrow(/stage "x" returned an object/);
  });
});
