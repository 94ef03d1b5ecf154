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
