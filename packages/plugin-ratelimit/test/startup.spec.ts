// What stops start-up, each naming where the problem is and the fix: a bad @RateLimit (also in the plan that
// `rampart routes` prints, without any config), a bad limit in config, a config path the app does not serve, limits
// that share a bucket but disagree, store redis without a URL, the plugin without rampart-auth.
import { Authenticated, rampartAuth, RequireMtls } from '@rampart/auth';
import { GrpcService } from '@rampart/core';
import { planApp, type ServiceClass } from '@rampart/server';
import { rampartErrorOf } from '@rampart/test-support';
import { TestIssuer } from '@rampart/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimit, rampartRateLimit, type RateLimitOptions } from '../src/index.js';
import { QuotaServiceDescriptor, type PingReply } from './generated/index.js';
import { protoRoot, startQuotaApp } from './support/quota-app.js';
import { QuotaService } from './support/quota-service.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await TestIssuer.start({ audience: 'quota' });
});
afterAll(async () => {
  await issuer?.stop();
});

/** A service of the test proto whose four methods carry the given limits (undefined: none). */
function limited(limits: { ping?: unknown; watch?: unknown; upload?: unknown; chat?: unknown }): ServiceClass {
  const on = (options: unknown) => (options === undefined ? () => undefined : RateLimit(options as RateLimitOptions));
  @GrpcService(QuotaServiceDescriptor)
  @RequireMtls()
  @Authenticated({ scopes: ['quota:use'] })
  class Bad {
    @on(limits.ping)
    ping(): Promise<PingReply> {
      return Promise.resolve({ note: '', caller: '' });
    }
    @on(limits.watch)
    async *watch(): AsyncIterable<PingReply> {}
    @on(limits.upload)
    upload(): Promise<PingReply> {
      return Promise.resolve({ note: '', caller: '' });
    }
    @on(limits.chat)
    async *chat(): AsyncIterable<PingReply> {}
  }
  return Bad;
}

const startFails = async (options: Parameters<typeof startQuotaApp>[1]) => rampartErrorOf(startQuotaApp(issuer, options));

describe('a bad @RateLimit', () => {
  const bad = limited({
    ping: { capacity: 0, refillPerSecond: 1 },
    watch: { capacity: 5, refillPerSecond: 0 },
    upload: { capacity: 5, refillPerSecond: 1, key: 'ip' },
    chat: { capacity: 2.5, refillPerSecond: 1 },
  });

  it('stops start-up listing every method, what is wrong and the fix', async () => {
    const error = await startFails({ services: [bad] });
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.message).toContain('refusing to start: 4 problem(s)');
    expect(error.message).toContain('@RateLimit on Bad.ping: capacity must be a whole number of 1 or more, got 0. Fix: e.g. @RateLimit({ capacity: 20, refillPerSecond: 5 })');
    expect(error.message).toContain('@RateLimit on Bad.watch: refillPerSecond must be a number above 0 (0.5 is one call every 2 s), got 0');
    expect(error.message).toContain(`@RateLimit on Bad.upload: key must be 'principal', 'peer', 'method' or a function (ctx) => string, got "ip"`);
    expect(error.message).toContain('@RateLimit on Bad.chat: capacity must be a whole number of 1 or more, got 2.5');
  });

  it('is in the plan too, which reads no config (what rampart routes prints)', () => {
    const plan = planApp({ name: 'quota', services: [bad], protos: { root: protoRoot }, plugins: [rampartAuth(), rampartRateLimit()] });
    expect(plan.problems.map((p) => p.text.split(':')[0])).toEqual([
      '@RateLimit on Bad.ping',
      '@RateLimit on Bad.watch',
      '@RateLimit on Bad.upload',
      '@RateLimit on Bad.chat',
    ]);
  });
});

describe('bad limits in config', () => {
  it('a default capacity without a refill rate names the key to set', async () => {
    const error = await startFails({ values: { ratelimit: { defaultLimit: { capacity: 10 } } } });
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.message).toBe(
      'ratelimit.defaultLimit: refillPerSecond must be a number above 0 (0.5 is one call every 2 s), got 0. Fix: set RAMPART_RATELIMIT_DEFAULT_REFILL_PER_SECOND (ratelimit.defaultLimit.refillPerSecond) above 0, or the capacity to 0 for no default limit',
    );
  });

  it('a bad entry of ratelimit.methods names the setting, the path and the problem', async () => {
    const methods = JSON.stringify({ '/rampart.ratelimittest.v1.QuotaService/Ping': { capacity: -1, refillPerSecond: 1 } });
    const error = await startFails({ env: { RAMPART_RATELIMIT_METHODS: methods } });
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.message).toContain('ratelimit.methods');
    expect(error.message).toContain('"/rampart.ratelimittest.v1.QuotaService/Ping": capacity must be a whole number of 1 or more, got -1');
  });

  it('a path of ratelimit.methods the app does not serve (a typo would leave the method unlimited)', async () => {
    const methods = { '/rampart.ratelimittest.v1.QuotaService/Pong': { capacity: 1, refillPerSecond: 1 } };
    const error = await startFails({ values: { ratelimit: { methods } } });
    // Checked once every method was planned, in the plugin's onInit hook, whose failures the app reports as ERR_APP_STATE.
    expect(error.code).toBe('ERR_APP_STATE');
    expect(error.message).toMatch(/^rampart-ratelimit: onInit hook failed: RampartError: ratelimit\.methods names "\/rampart\.ratelimittest\.v1\.QuotaService\/Pong", which this app does not serve\. Fix: use a method path of the app \(\/rampart\.ratelimittest\.v1\.QuotaService\/Ping, /);
  });

  it('two limits that share a bucket with different sizes', async () => {
    const shared = limited({ ping: { capacity: 5, refillPerSecond: 1, bucket: 'writes' }, upload: { capacity: 9, refillPerSecond: 1, bucket: 'writes' } });
    const error = await startFails({ services: [shared] });
    expect(error.message).toContain(
      'share the bucket "writes" with different limits (9 calls at once, then 1 a second, per principal; 5 calls at once, then 1 a second, per principal). Fix: give them the same capacity, refillPerSecond and key, or different bucket names',
    );
  });

  it('store redis without a URL names the variables to set', async () => {
    const error = await startFails({ env: { RAMPART_RATELIMIT_STORE: 'redis' } });
    expect(error.code).toBe('ERR_CONFIG_INVALID');
    expect(error.message).toContain('Fix: set RAMPART_RATELIMIT_REDIS_URL, or RAMPART_RATELIMIT_REDIS_URL_FILE to a file holding the URL');
  });

  it('a Redis URL written into config values (it may carry a password) is refused', async () => {
    const error = await startFails({ values: { ratelimit: { store: 'redis', redis: { url: 'redis://:secret@127.0.0.1:6379' } } } });
    expect(error.code).toBe('ERR_CONFIG_INLINE_SECRET');
    expect(error.message).not.toContain('secret@');
  });
});

it('without the auth plugin (its check must run after authentication) start-up stops naming it', async () => {
  const error = await startFails({ services: [QuotaService], plugins: [rampartRateLimit()] });
  expect(error.code).toBe('ERR_PLUGIN_DEPENDENCY');
  expect(error.message).toBe('plugin "rampart-ratelimit" depends on "rampart-auth", which is not registered: add it to `plugins`');
});
