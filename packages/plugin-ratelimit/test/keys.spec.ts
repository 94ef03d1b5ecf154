// Whose budget a call spends, through a real server over mTLS: each principal its own (QuotaService), each SPIFFE ID
// its own (key 'peer'), one for everyone (key 'method'), one per value of the app's own key function; a key function
// that throws fails the call closed.
import { Authenticated, RequireMtls } from '@rampart/auth';
import { GrpcService, Status, type CallContext } from '@rampart/core';
import { collect, rampartErrorOf } from '@rampart/test-support';
import { TestIssuer, withBearer } from '@rampart/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimit } from '../src/index.js';
import { QuotaServiceDescriptor, type PingReply, type PingRequest__Output, type QuotaServiceClient } from './generated/index.js';
import { startQuotaApp, statusOf, type QuotaApp } from './support/quota-app.js';
import { PeerQuotaService, QuotaService, ran } from './support/quota-service.js';

let issuer: TestIssuer;
const bearer = async (sub: string, metadata: Record<string, string> = {}) => {
  const options = withBearer(await issuer.mint({ sub }, { scope: 'quota:use' }));
  return { ...options, metadata: { ...options.metadata, ...metadata } };
};

beforeAll(async () => {
  issuer = await TestIssuer.start({ audience: 'quota' });
});
afterAll(async () => {
  await issuer?.stop();
});

describe('keyed by principal (the default)', () => {
  let app: QuotaApp;
  beforeAll(async () => {
    app = await startQuotaApp(issuer, { services: [QuotaService] });
  });
  afterAll(async () => app?.t.close());

  it('gives two principals a budget each: one spent does not touch the other', async () => {
    const [dave, erin] = [await bearer('dave'), await bearer('erin')];
    const daves = await Promise.all(Array.from({ length: 4 }, () => statusOf(app.quota.ping({ note: 'd' }, dave))));
    expect(daves.sort()).toEqual([Status.OK, Status.OK, Status.OK, Status.RESOURCE_EXHAUSTED].sort());
    const erins = await Promise.all(Array.from({ length: 3 }, () => statusOf(app.quota.ping({ note: 'e' }, erin))));
    expect(erins).toEqual([Status.OK, Status.OK, Status.OK]);
  });
});

describe('keyed by peer, by method, by a function of the call', () => {
  let app: QuotaApp;
  let billing: QuotaServiceClient;
  beforeAll(async () => {
    app = await startQuotaApp(issuer, { services: [PeerQuotaService] });
    billing = await app.t.client(QuotaServiceDescriptor, { as: '/billing' });
  });
  afterAll(async () => app?.t.close());

  it("'peer': each SPIFFE ID its own budget, whatever the token says", async () => {
    const options = await bearer('frank'); // the same principal on both connections
    const watch = (client: QuotaServiceClient) => statusOf(collect(client.watch({ note: 'w' }, options)));
    expect([await watch(app.quota), await watch(app.quota), await watch(app.quota)]).toEqual([Status.OK, Status.OK, Status.RESOURCE_EXHAUSTED]);
    expect([await watch(billing), await watch(billing)]).toEqual([Status.OK, Status.OK]);
    expect(ran.filter((r) => r === 'watch:frank')).toHaveLength(4);
  });

  it("'method': one budget for every caller", async () => {
    const upload = async (client: QuotaServiceClient, sub: string) => statusOf(client.upload([{ note: 'u' }], await bearer(sub)));
    expect([await upload(app.quota, 'gina'), await upload(billing, 'hank'), await upload(billing, 'ivan')]).toEqual([
      Status.OK,
      Status.OK,
      Status.RESOURCE_EXHAUSTED,
    ]);
  });

  it('a key function: one budget per value it returns (here the x-tenant header)', async () => {
    const chat = async (tenant: string) => statusOf(collect(app.quota.chat([{ note: 'c' }], await bearer('judy', { 'x-tenant': tenant }))));
    expect([await chat('acme'), await chat('acme'), await chat('acme')]).toEqual([Status.OK, Status.OK, Status.RESOURCE_EXHAUSTED]);
    expect([await chat('globex'), await chat('globex')]).toEqual([Status.OK, Status.OK]);
  });

  it('a method without a limit is never refused', async () => {
    const options = await bearer('kate');
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => app.quota.ping({ note: String(i) }, options)));
    expect(answers).toHaveLength(10);
  });
});

describe('a key function that throws', () => {
  @GrpcService(QuotaServiceDescriptor)
  @RequireMtls()
  @Authenticated({ scopes: ['quota:use'] })
  @RateLimit({
    capacity: 5,
    refillPerSecond: 1,
    key: (ctx: CallContext) => {
      const tenant = ctx.metadata.get('x-tenant')[0];
      if (tenant === undefined) throw new Error('no tenant');
      return tenant === 'numeric' ? (42 as unknown as string) : String(tenant);
    },
  })
  class TenantQuota {
    ping(req: PingRequest__Output): Promise<PingReply> {
      ran.push(`tenant-ping:${req.note}`);
      return Promise.resolve({ note: req.note, caller: '' });
    }
    async *watch(): AsyncIterable<PingReply> {}
    upload(): Promise<PingReply> {
      return Promise.resolve({ note: '', caller: '' });
    }
    async *chat(): AsyncIterable<PingReply> {}
  }

  let app: QuotaApp;
  beforeAll(async () => {
    app = await startQuotaApp(issuer, { services: [TenantQuota] });
  });
  afterAll(async () => app?.t.close());

  it('fails the call closed (INTERNAL, nothing said), as does a key that is not a string; the handler never runs', async () => {
    for (const metadata of [{}, { 'x-tenant': 'numeric' }] as Record<string, string>[]) {
      const error = await rampartErrorOf(app.quota.ping({ note: 'no-key' }, await bearer('leo', metadata)));
      expect(error.status).toBe(Status.INTERNAL);
      expect(error.message).toBe('internal error');
    }
    expect(ran).not.toContain('tenant-ping:no-key');
    expect(await app.quota.ping({ note: 'keyed' }, await bearer('leo', { 'x-tenant': 'acme' }))).toEqual({ note: 'keyed', caller: '' });
  });
});
