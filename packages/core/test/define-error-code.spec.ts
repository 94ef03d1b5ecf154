import { describe, expect, it } from 'vitest';
import { defineErrorCode, RampartError, Status } from '../src/index.js';

describe('defineErrorCode', () => {
  it('gives an application code its status; the error carries both and is matched by code', () => {
    const ERR_OUT_OF_STOCK = defineErrorCode('ERR_OUT_OF_STOCK', Status.FAILED_PRECONDITION);
    const error = new RampartError(ERR_OUT_OF_STOCK, 'not enough stock');
    expect(error.code).toBe('ERR_OUT_OF_STOCK');
    expect(error.status).toBe(Status.FAILED_PRECONDITION);
    expect(error.publicMessage).toBe('not enough stock');
    expect(RampartError.is(error, ERR_OUT_OF_STOCK)).toBe(true);
    expect(RampartError.is(error, 'ERR_NOT_FOUND')).toBe(false);
  });

  it('refuses built-in codes, malformed codes and OK or unknown statuses, naming the fix', () => {
    // @ts-expect-error a built-in code is refused by the compiler too
    expect(() => defineErrorCode('ERR_NOT_FOUND', Status.NOT_FOUND)).toThrow(/is built in/);
    // @ts-expect-error not ERR_ and upper case
    expect(() => defineErrorCode('OutOfStock', Status.FAILED_PRECONDITION)).toThrow(/ERR_ and upper-case words/);
    expect(() => defineErrorCode('ERR_BAD__CODE', Status.FAILED_PRECONDITION)).toThrow(/upper-case words/);
    expect(() => defineErrorCode(`ERR_${'X'.repeat(80)}` as 'ERR_X', Status.ABORTED)).toThrow(/at most 64/);
    expect(() => defineErrorCode('ERR_FINE', Status.OK)).toThrow(/not an error status/);
    expect(() => defineErrorCode('ERR_FINE', 42 as Status)).toThrow(/not an error status/);
  });

  it('a code means one thing: the same code with another status throws, the same status is fine', () => {
    defineErrorCode('ERR_QUOTA_SPENT', Status.RESOURCE_EXHAUSTED);
    expect(defineErrorCode('ERR_QUOTA_SPENT', Status.RESOURCE_EXHAUSTED).status).toBe(Status.RESOURCE_EXHAUSTED);
    expect(() => defineErrorCode('ERR_QUOTA_SPENT', Status.ABORTED)).toThrow(
      /already defined with RESOURCE_EXHAUSTED, now with ABORTED/,
    );
  });

  it('the constructor refuses a code string that is neither built in nor defined', () => {
    // @ts-expect-error only built-in codes are accepted as strings
    expect(() => new RampartError('ERR_MADE_UP', 'x')).toThrow(/use defineErrorCode/);
  });
});

describe('code definitions not made by defineErrorCode (security review)', () => {
  it('the constructor refuses an unchecked {code, status}: status OK, an unknown status, a malformed code', () => {
    expect(() => new RampartError({ code: 'ERR_X', status: Status.OK }, 'x')).toThrow(/use defineErrorCode/);
    expect(() => new RampartError({ code: 'ERR_X', status: 99 as Status }, 'x')).toThrow(/use defineErrorCode/);
    expect(() => new RampartError({ code: 'ERR_É', status: Status.ABORTED }, 'x')).toThrow(/use defineErrorCode/);
  });

  it('from() rebuilds one shaped like a RampartError from another copy, with checked code and status', () => {
    const shaped = Object.assign(new Error('gone'), { name: 'RampartError', code: 'ERR_TOKEN_EXPIRED', status: Status.NOT_FOUND });
    const rebuilt = RampartError.from(shaped);
    expect(rebuilt).toBeInstanceOf(RampartError);
    expect([rebuilt.status, rebuilt.code, rebuilt.message, rebuilt.metadata.size]).toEqual([Status.NOT_FOUND, 'ERR_NOT_FOUND', 'gone', 0]);
    expect(rebuilt.cause).toBe(shaped);
  });
});
