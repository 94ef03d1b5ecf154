// A burst over a token bucket (in memory), through a real server over mTLS: the calls past the capacity end with
// RESOURCE_EXHAUSTED and RetryInfo/QuotaFailure details the client decodes, before the handler runs, for all four call
// kinds; once the retry delay has passed, a call goes through again.
import { readRichDetails, Status, type RetryInfo } from '@rampart/core';
import { collect, rampartErrorOf } from '@rampart/test-support';
import { TestIssuer, withBearer } from '@rampart/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RATE_LIMITED_MESSAGE } from '../src/index.js';
import { outcomeOf, startQuotaApp, type QuotaApp } from './support/quota-app.js';
import { ran } from './support/quota-service.js';

const PING = '/rampart.ratelimittest.v1.QuotaService/Ping';

let issuer: TestIssuer;
let app: QuotaApp;
const bearer = async (sub: string) => withBearer(await issuer.mint({ sub }, { scope: 'quota:use' }));
const handled = (entry: string): number => ran.filter((r) => r === entry).length;

beforeAll(async () => {
  issuer = await TestIssuer.start({ audience: 'quota' });
  app = await startQuotaApp(issuer);
  await app.quota.ping({ note: 'connect' }, await bearer('warm-up')); // the channel is up before any burst
});
afterAll(async () => {
  await app?.t.close();
  await issuer?.stop();
});

describe('a burst over the limit (3 at once, then 1 a second, per principal)', () => {
  it('lets exactly the capacity through; the rest get RESOURCE_EXHAUSTED with RetryInfo and QuotaFailure, and never reach the handler', async () => {
    const options = await bearer('alice');
    const outcomes = await Promise.all(Array.from({ length: 6 }, (_, i) => outcomeOf(app.quota.ping({ note: `n${i}` }, options))));
    const refused = outcomes.filter((o) => o !== undefined);
    expect(refused).toHaveLength(3);
    expect(handled('ping:alice')).toBe(3);
    for (const error of refused) {
      expect(error.status).toBe(Status.RESOURCE_EXHAUSTED);
      expect(error.message).toBe(RATE_LIMITED_MESSAGE);
      const details = readRichDetails(error.details);
      const retry = details.find((d) => d.type === 'RetryInfo')?.value as RetryInfo;
      expect(retry.retryDelayMs).toBeGreaterThan(0);
      expect(retry.retryDelayMs).toBeLessThanOrEqual(1_000);
      expect(details.find((d) => d.type === 'QuotaFailure')?.value).toEqual({
        violations: [{ subject: `ratelimit:${PING}`, description: '3 calls at once, then 1 a second, per principal' }],
      });
    }
  });

  it('after the retry delay a call succeeds again, and the next one is refused', async () => {
    const options = await bearer('carol');
    for (let i = 0; i < 3; i++) await app.quota.ping({ note: 'spend' }, options);
    const refused = await rampartErrorOf(app.quota.ping({ note: 'over' }, options));
    const retry = readRichDetails(refused.details).find((d) => d.type === 'RetryInfo')?.value as RetryInfo;
    expect(retry.retryDelayMs).toBeGreaterThan(0);
    await sleep(retry.retryDelayMs + 20); // a sleep on purpose: the retry delay itself is what is tested
    expect(await app.quota.ping({ note: 'again' }, options)).toEqual({ note: 'again', caller: 'carol' });
    expect((await rampartErrorOf(app.quota.ping({ note: 'over again' }, options))).status).toBe(Status.RESOURCE_EXHAUSTED);
    expect(handled('ping:carol')).toBe(4);
  });

  it('refuses each of the four call kinds before its handler runs, each method with a budget of its own', async () => {
    const options = await bearer('bob');
    const kinds = {
      watch: async () => collect(app.quota.watch({ note: 'w' }, options)),
      upload: async () => app.quota.upload([{ note: 'u1' }, { note: 'u2' }], options),
      chat: async () => collect(app.quota.chat([{ note: 'c1' }], options)),
    };
    for (const [kind, call] of Object.entries(kinds)) {
      const outcomes = await Promise.all([call(), call(), call(), call()].map(outcomeOf));
      const refused = outcomes.filter((o) => o !== undefined);
      expect(refused, kind).toHaveLength(1);
      const error = refused[0]!;
      expect(error.status, kind).toBe(Status.RESOURCE_EXHAUSTED);
      expect(readRichDetails(error.details).map((d) => d.type), kind).toEqual(['RetryInfo', 'QuotaFailure']);
      expect(handled(`${kind}:bob`), kind).toBe(3);
    }
    expect(await app.quota.ping({ note: 'own budget' }, options)).toEqual({ note: 'own budget', caller: 'bob' });
  });
});
