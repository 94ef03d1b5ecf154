// The complete third-party plugin of docs/guides/plugins.md (a response cache): its own decorator, a config key,
// an interceptor that answers without calling `next`, response headers the client reads, and start-up planning
// that gives the interceptor to the decorated method only. Real server, real mTLS, two client identities.
import { rampartAuth, RequireMtls } from '@rampart/auth';
import { GrpcService, type ReceivedMetadata } from '@rampart/core';
import { startTestApp, type TestApp } from '@rampart/testing';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cacheable, responseCache } from './examples/response-cache.js';
import { CheckoutServiceDescriptor, type CheckoutReply, type PingRequest, type PingRequest__Output } from './generated/index.js';
import { protoRoot } from './support/checkout-service.js';
import { VALIDATE_PROTO_DIR } from '../src/index.js';

let pings = 0;

@GrpcService(CheckoutServiceDescriptor)
@RequireMtls()
class CachedCheckout {
  @Cacheable({ ttlMs: 60_000 })
  ping(req: PingRequest__Output): Promise<PingRequest> {
    pings += 1;
    return Promise.resolve({ note: `${req.note} #${pings}` });
  }

  checkout(): Promise<CheckoutReply> {
    return Promise.resolve({ lines: 0 });
  }

  addLines(): Promise<CheckoutReply> {
    return Promise.resolve({ lines: 0 });
  }

  async *echoLines(): AsyncIterable<never> {}

  async *watch(): AsyncIterable<never> {}
}

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({
    name: 'cached',
    services: [CachedCheckout],
    protos: { root: protoRoot, includeDirs: [VALIDATE_PROTO_DIR] },
    plugins: [rampartAuth(), responseCache()],
    values: { responseCache: { maxEntries: 2 } },
  });
});
afterAll(() => t?.close());

describe('the response-cache example plugin', () => {
  it('runs only for the @Cacheable method', () => {
    const interceptorsOf = (method: string) => t.app.authMatrix().find((row) => row.method === method)?.interceptors;
    expect(interceptorsOf('Ping')).toContain('response-cache');
    expect(interceptorsOf('Checkout')).not.toContain('response-cache');
  });

  it('answers the same caller from the cache (x-cache: hit, the handler not run) and another caller on its own', async () => {
    const orders = await t.client(CheckoutServiceDescriptor, { as: '/orders' });
    const billing = await t.client(CheckoutServiceDescriptor, { as: '/billing' });
    const headers: ReceivedMetadata[] = [];
    const onHeaders = (h: ReceivedMetadata): void => void headers.push(h);
    const first = await orders.ping({ note: 'a' }, { onHeaders });
    const again = await orders.ping({ note: 'a' }, { onHeaders });
    const other = await billing.ping({ note: 'a' }, { onHeaders });
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    expect(pings).toBe(2);
    expect(headers.map((h) => h['x-cache']?.[0])).toEqual(['miss', 'hit', 'miss']);
  });

  it('keeps at most responseCache.maxEntries answers', async () => {
    const orders = await t.client(CheckoutServiceDescriptor, { as: '/orders' });
    const before = pings;
    for (const note of ['b', 'c', 'd']) await orders.ping({ note });
    await orders.ping({ note: 'b' }); // dropped when 'd' came in (two entries kept)
    expect(pings - before).toBe(4);
  });

  it('is the code shown in docs/guides/plugin-examples.md', () => {
    const guide = readFileSync(new URL('../../../docs/guides/plugin-examples.md', import.meta.url), 'utf8');
    const example = readFileSync(new URL('./examples/response-cache.ts', import.meta.url), 'utf8');
    const block = /<!-- example: response-cache -->\n```ts\n([\s\S]*?)```/.exec(guide)?.[1];
    expect(block).toBe(example);
  });
});
