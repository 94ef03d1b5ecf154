// What a flood of refused calls leaves behind: one warn line per method and interval (with the number refused), a
// debug line per call (the server's, with the reason), and the counter rampart.ratelimit.refused per call.
import { createNoopMeter, metrics, type Attributes, type Meter } from '@opentelemetry/api';
import { Status } from '@rampart/core';
import { TestIssuer, withBearer } from '@rampart/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { outcomeOf, recordingLogger, startQuotaApp, type QuotaApp } from './support/quota-app.js';

const counted: { name: string; value: number; attributes: Attributes | undefined }[] = [];
const meter: Meter = Object.assign(Object.create(createNoopMeter()) as Meter, {
  createCounter: (name: string) => ({ add: (value: number, attributes?: Attributes) => void counted.push({ name, value, attributes }) }),
});

let issuer: TestIssuer;
let app: QuotaApp;
const log = recordingLogger('quota');

beforeAll(async () => {
  metrics.setGlobalMeterProvider({ getMeter: () => meter });
  issuer = await TestIssuer.start({ audience: 'quota' });
  app = await startQuotaApp(issuer, { logger: log.logger });
});
afterAll(async () => {
  await app?.t.close();
  await issuer?.stop();
  metrics.disable();
});

it('a flood of 20 calls against a capacity of 3: 17 refused, one warn line, 17 debug lines and 17 counts', async () => {
  const options = withBearer(await issuer.mint({ sub: 'zed' }, { scope: 'quota:use' }));
  const outcomes = await Promise.all(Array.from({ length: 20 }, () => outcomeOf(app.quota.ping({ note: 'flood' }, options))));
  const refused = outcomes.filter((o) => o !== undefined);
  expect(refused).toHaveLength(17);
  expect(refused.every((e) => e.status === Status.RESOURCE_EXHAUSTED)).toBe(true);

  const warnings = log.lines.filter((l) => l.level === 40);
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatchObject({
    plugin: 'rampart-ratelimit',
    rpc: '/rampart.ratelimittest.v1.QuotaService/Ping',
    refused: 1,
    keyKind: 'principal',
    lastKey: `${issuer.url} zed`,
    limit: '3 calls at once, then 1 a second, per principal',
    source: '@RateLimit on QuotaService (for ping)',
    msg: 'rate limit refusing calls: 1 refused since the last line',
  });

  const debug = log.lines.filter((l) => l.level === 20 && l.code === 'ERR_RESOURCE_EXHAUSTED');
  expect(debug).toHaveLength(17);
  expect(String(debug[0]?.reason)).toMatch(
    new RegExp(`^rate limit \\(@RateLimit on QuotaService \\(for ping\\): 3 calls at once, then 1 a second, per principal\\) for principal "${issuer.url} zed": next token in \\d+ ms$`),
  );

  const counts = counted.filter((c) => c.name === 'rampart.ratelimit.refused');
  expect(counts).toHaveLength(17);
  expect(counts[0]).toEqual({
    name: 'rampart.ratelimit.refused',
    value: 1,
    attributes: { 'rpc.method': 'rampart.ratelimittest.v1.QuotaService/Ping', 'rampart.ratelimit.key': 'principal' },
  });
});
