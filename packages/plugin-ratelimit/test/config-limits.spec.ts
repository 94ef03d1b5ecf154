// Limits from config, through a real server: ratelimit.defaultLimit for methods without one of their own,
// ratelimit.methods over a decorator (or "off"), a bucket shared by two methods, ratelimit.enabled=false.
import { Authenticated, rampartAuth, RequireMtls } from '@rampart/auth';
import { GrpcService, Status } from '@rampart/core';
import { collect } from '@rampart/test-support';
import { TestIssuer, withBearer } from '@rampart/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimit, rampartRateLimit } from '../src/index.js';
import { QuotaServiceDescriptor, type PingReply, type PingRequest__Output } from './generated/index.js';
import { startQuotaApp, statusOf, type QuotaApp } from './support/quota-app.js';
import { PeerQuotaService, QuotaService } from './support/quota-service.js';

const PATH = '/rampart.ratelimittest.v1.QuotaService/';

let issuer: TestIssuer;
const bearer = async (sub: string) => withBearer(await issuer.mint({ sub }, { scope: 'quota:use' }));
/** The statuses of `n` calls made at once, in ascending order. */
const statuses = async (n: number, call: () => Promise<unknown>): Promise<number[]> =>
  (await Promise.all(Array.from({ length: n }, () => statusOf(call())))).sort((a, b) => a - b);
const running = new Set<QuotaApp>();
const start = async (...args: Parameters<typeof startQuotaApp>) => {
  const app = await startQuotaApp(...args);
  running.add(app);
  return app;
};

beforeAll(async () => {
  issuer = await TestIssuer.start({ audience: 'quota' });
});
afterAll(async () => {
  for (const app of running) await app.t.close();
  await issuer?.stop();
});

const [OK, OVER] = [Status.OK, Status.RESOURCE_EXHAUSTED];

it('ratelimit.defaultLimit limits every method without a limit of its own, and only those', async () => {
  const app = await start(issuer, {
    services: [PeerQuotaService], // ping has no @RateLimit; watch has one for 2 per peer
    values: { ratelimit: { defaultLimit: { capacity: 1, refillPerSecond: 0.1, key: 'principal' } } },
  });
  const options = await bearer('mia');
  expect(await statuses(2, () => app.quota.ping({ note: 'p' }, options))).toEqual([OK, OVER]);
  expect([await statusOf(collect(app.quota.watch({ note: 'w' }, options))), await statusOf(collect(app.quota.watch({ note: 'w' }, options)))]).toEqual([OK, OK]);
});

it('ratelimit.methods replaces a decorator, and "off" lifts one', async () => {
  const app = await start(issuer, {
    services: [QuotaService], // 3 at once per principal on every method
    env: { RAMPART_RATELIMIT_METHODS: JSON.stringify({ [`${PATH}Ping`]: { capacity: 1, refillPerSecond: 0.1, key: 'method' }, [`${PATH}Upload`]: 'off' }) },
  });
  const [ned, ola] = [await bearer('ned'), await bearer('ola')];
  expect(await statusOf(app.quota.ping({ note: 'a' }, ned))).toBe(OK);
  expect(await statusOf(app.quota.ping({ note: 'b' }, ola))).toBe(OVER); // key 'method': one budget for both
  expect(await statuses(6, () => app.quota.upload([{ note: 'u' }], ned))).toEqual([OK, OK, OK, OK, OK, OK]);
  expect(await statuses(4, () => collect(app.quota.watch({ note: 'w' }, ned)))).toEqual([OK, OK, OK, OVER]);
});

it('two methods naming one bucket share its budget', async () => {
  @GrpcService(QuotaServiceDescriptor)
  @RequireMtls()
  @Authenticated({ scopes: ['quota:use'] })
  @RateLimit({ capacity: 2, refillPerSecond: 0.1, bucket: 'writes' })
  class Writes {
    ping(req: PingRequest__Output): Promise<PingReply> {
      return Promise.resolve({ note: req.note, caller: '' });
    }
    async *watch(): AsyncIterable<PingReply> {}
    upload(): Promise<PingReply> {
      return Promise.resolve({ note: 'u', caller: '' });
    }
    async *chat(): AsyncIterable<PingReply> {}
  }
  const app = await start(issuer, { services: [Writes] });
  const options = await bearer('pia');
  expect(await statusOf(app.quota.ping({ note: 'a' }, options))).toBe(OK);
  expect(await statusOf(app.quota.upload([{ note: 'b' }], options))).toBe(OK);
  expect(await statusOf(app.quota.ping({ note: 'c' }, options))).toBe(OVER);
  expect(await statusOf(app.quota.upload([{ note: 'd' }], options))).toBe(OVER);
});

describe('ratelimit.enabled=false', () => {
  it('limits nothing (the declared limits stay, for when it is on again)', async () => {
    const app = await start(issuer, { services: [QuotaService], env: { RAMPART_RATELIMIT_ENABLED: 'false' } });
    const options = await bearer('quinn');
    expect(await statuses(8, () => app.quota.ping({ note: 'p' }, options))).toEqual(Array.from({ length: 8 }, () => OK));
  });
});

it('listed before rampartAuth(), the limiter still runs after it: the principal is known (else both would share the peer\'s budget)', async () => {
  const app = await start(issuer, { services: [QuotaService], plugins: [rampartRateLimit(), rampartAuth()] });
  const [rae, sid] = [await bearer('rae'), await bearer('sid')];
  expect(await statuses(3, () => app.quota.ping({ note: 'r' }, rae))).toEqual([OK, OK, OK]);
  expect(await statuses(3, () => app.quota.ping({ note: 's' }, sid))).toEqual([OK, OK, OK]);
});
