// Issue 21 item 4: google.rpc error details end to end. An interceptor refuses with RESOURCE_EXHAUSTED carrying
// RetryInfo and QuotaFailure; a Rampart client over a real connection decodes them from the error's details. A
// server fault sends none of them.
import { RampartError, readRichDetails, richDetails, Status, type Interceptor } from '@rampart/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rampartErrorOf } from '@rampart/test-support';
import { startEchoApp, type Started } from './fixtures/harness.js';

const limiter: Interceptor = {
  name: 'limiter',
  forMethod: () => ({
    intercept(request) {
      const text = (request as { message?: { text?: string } }).message?.text;
      const details = [richDetails.retryInfo({ retryDelayMs: 1_500 }), richDetails.quotaFailure({ violations: [{ subject: 'client:demo', description: '2 calls per second' }] })];
      if (text === 'limit') throw new RampartError('ERR_RESOURCE_EXHAUSTED', 'rate limited', { details });
      throw new RampartError('ERR_INTERNAL', 'internal error', { details });
    },
  }),
};

let s: Started;
beforeAll(async () => {
  s = await startEchoApp({ interceptors: [limiter] });
});
afterAll(() => s.close());

describe('rich error details over the wire', () => {
  it('the client decodes RetryInfo and QuotaFailure from a RESOURCE_EXHAUSTED refusal', async () => {
    const error = await rampartErrorOf(s.echo.echo({ text: 'limit' }));
    expect(error.status).toBe(Status.RESOURCE_EXHAUSTED);
    expect(readRichDetails(error.details)).toEqual([
      { type: 'RetryInfo', value: { retryDelayMs: 1_500 } },
      { type: 'QuotaFailure', value: { violations: [{ subject: 'client:demo', description: '2 calls per second' }] } },
    ]);
  });

  it('a server fault sends its status only: no details', async () => {
    const error = await rampartErrorOf(s.echo.echo({ text: 'other' }));
    expect(error.status).toBe(Status.INTERNAL);
    expect(error.details).toEqual([]);
  });
});
