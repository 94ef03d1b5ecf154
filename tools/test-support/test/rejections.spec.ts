import { RampartError } from '@rampart/core';
import { describe, expect, it } from 'vitest';
import { rampartErrorOf, rejectionOf } from '../src/index.js';

describe('rejectionOf', () => {
  it('resolves to what the promise rejects with, whatever it is', async () => {
    const boom = new Error('boom');
    expect(await rejectionOf(Promise.reject(boom))).toBe(boom);
    // A thenable that rejects with a string (the linter refuses Promise.reject('…')).
    const rejectsWithAString: PromiseLike<never> = { then: (_onResolved, onRejected) => onRejected?.('a string') as never };
    expect(await rejectionOf(rejectsWithAString)).toBe('a string');
  });

  it('fails when the promise resolves, showing the value', async () => {
    await expect(rejectionOf(Promise.resolve({ ok: true }))).rejects.toThrow('expected a rejection, it resolved to {"ok":true}');
  });

  it('keeps a failure message short when the value is large', async () => {
    const error = (await rejectionOf(rejectionOf(Promise.resolve('x'.repeat(1_000))))) as Error;
    expect(error.message.length).toBeLessThan(260);
    expect(error.message.endsWith('…')).toBe(true);
  });
});

describe('rampartErrorOf', () => {
  it('resolves to the RampartError the promise rejects with', async () => {
    const denied = new RampartError('ERR_PERMISSION_DENIED', 'no');
    expect(await rampartErrorOf(Promise.reject(denied))).toBe(denied);
  });

  it('fails when the promise resolves', async () => {
    await expect(rampartErrorOf(Promise.resolve(1))).rejects.toThrow('expected a rejection, it resolved to 1');
  });

  it('fails when the rejection is not a RampartError, naming what it was', async () => {
    await expect(rampartErrorOf(Promise.reject(new RangeError('out')))).rejects.toThrow('expected a RampartError, got RangeError: out');
  });
});

describe('rampartErrorOf and another copy of @rampart/core', () => {
  it('refuses an error only shaped like a RampartError, saying so', async () => {
    const foreign = Object.assign(new Error('denied'), { name: 'RampartError', code: 'ERR_PERMISSION_DENIED', status: 7 });
    await expect(rampartErrorOf(Promise.reject(foreign))).rejects.toThrow(
      'expected a RampartError, got RampartError: denied (shaped like one, from another copy of @rampart/core)',
    );
  });
});
