import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TokenVerifier, type TokenVerifierOptions } from '../../src/index.js';
import { expectTokenError, recordingLogger } from './support/expect-token-error.js';
import { startJwksServer, type JwksServer } from './support/jwks-server.js';
import { makeKey, mint, type TestKey } from './support/keys.js';

let k1: TestKey;
let k2: TestKey;
const servers: JwksServer[] = [];
/** For the waits that must let time pass: a refresh interval, a backoff, a cooldown. */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  k1 = await makeKey('ES256', 'k1');
  k2 = await makeKey('ES256', 'k2');
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function setup(options: Partial<TokenVerifierOptions> = {}) {
  const server = await startJwksServer([k1.publicJwk]);
  servers.push(server);
  const { logger, warnings } = recordingLogger();
  const verifier = new TokenVerifier({ issuers: [{ issuer: server.url }], audience: 'api', cacheMax: 0, logger, ...options });
  const token = (key: TestKey) => mint(key, { iss: server.url, aud: 'api' });
  return { server, verifier, warnings, token };
}

describe('remote JWKS: caching, refetch and outages', () => {
  it('keeps serving cached keys when the JWKS endpoint is down, and logs the failed refresh', async () => {
    const { server, verifier, warnings, token } = await setup({ jwksRefreshMs: 50, retryBackoffMs: 60_000 });
    const t1 = await token(k1);
    await verifier.verify(t1);
    expect(server.jwksHits()).toBe(1);
    server.jwksMode = 'down';
    await sleep(80); // a sleep on purpose: the keys must get older than jwksRefreshMs
    await expect(verifier.verify(t1)).resolves.toMatchObject({ principal: { subject: 'orders-client' } });
    await vi.waitFor(() => expect(warnings.map((w) => w.msg)).toContain('JWKS fetch failed, keeping cached keys'));
    expect(server.jwksHits()).toBe(2);
    await expect(verifier.verify(t1)).resolves.toBeDefined();
    expect(server.jwksHits()).toBe(2); // in backoff: no further refresh attempts
  });

  it('refuses an unknown kid while the endpoint is down, without hammering it, and recovers when it is back', async () => {
    const { server, verifier, token } = await setup({ jwksCooldownMs: 0, retryBackoffMs: 150 });
    await verifier.verify(await token(k1));
    server.jwksMode = 'down';
    const t2 = await token(k2);
    await expectTokenError(verifier.verify(t2), 'ERR_TOKEN_INVALID', /JWKS fetch for "http:.*" failed: "http:.*\/jwks" answered HTTP 503/, t2);
    expect(server.jwksHits()).toBe(2);
    await expectTokenError(verifier.verify(t2), 'ERR_TOKEN_INVALID', /no key in the issuer JWKS matches.*kid "k2"/, t2);
    expect(server.jwksHits()).toBe(2);
    await expect(verifier.verify(await token(k1))).resolves.toBeDefined(); // known keys still work meanwhile
    server.jwksMode = 'ok';
    server.keys = [k1.publicJwk, k2.publicJwk];
    await sleep(200); // a sleep on purpose: the retry backoff must pass
    await expect(verifier.verify(t2)).resolves.toMatchObject({ principal: { issuer: server.url } });
    expect(server.jwksHits()).toBe(3);
  });

  it('accepts a rotated key on its first request once the cooldown has passed, and not before', async () => {
    const { server, verifier, token } = await setup({ jwksCooldownMs: 300 });
    await verifier.verify(await token(k1));
    server.keys = [k2.publicJwk, k1.publicJwk];
    const t2 = await token(k2);
    await expectTokenError(verifier.verify(t2), 'ERR_TOKEN_INVALID', /no key in the issuer JWKS matches/, t2);
    expect(server.jwksHits()).toBe(1); // cooling down: an unknown kid does not refetch
    await sleep(350); // a sleep on purpose: the cooldown must pass
    await expect(verifier.verify(t2)).resolves.toBeDefined();
    expect(server.jwksHits()).toBe(2);
    await expect(verifier.verify(await token(k1))).resolves.toBeDefined();
    expect(server.jwksHits()).toBe(2);
  });

  it('shares one discovery and one JWKS fetch among concurrent first verifications', async () => {
    const { server, verifier, token } = await setup();
    const tokens = await Promise.all([k1, k1, k1, k1, k1].map((k) => token(k)));
    const results = await Promise.all(tokens.map((t) => verifier.verify(t)));
    expect(results).toHaveLength(5);
    expect(server.requests).toEqual(['/.well-known/openid-configuration', '/jwks']);
  });

  it('drops keys removed from the JWKS after the background refresh', async () => {
    const { server, verifier, token } = await setup({ jwksRefreshMs: 50 });
    const t1 = await token(k1);
    await verifier.verify(t1);
    server.keys = [k2.publicJwk];
    await sleep(80); // a sleep on purpose: the keys must get older than jwksRefreshMs
    await verifier.verify(t1); // served from the old keys while the refresh runs
    await vi.waitFor(() => expect(verifier.verify(t1)).rejects.toThrow('invalid token'));
    expect(server.jwksHits()).toBeGreaterThanOrEqual(2);
    await expectTokenError(verifier.verify(t1), 'ERR_TOKEN_INVALID', /no key in the issuer JWKS matches.*kid "k1"/, t1);
  });
});

describe('hanging endpoints and deadlines', () => {
  it.each(['discovery', 'jwks'] as const)('a hanging %s endpoint fails within the configured timeout', async (which) => {
    const { server, verifier, token } = await setup({ jwksTimeoutMs: 200 });
    if (which === 'discovery') server.discoveryMode = 'hang';
    else server.jwksMode = 'hang';
    const t1 = await token(k1);
    const started = performance.now();
    await expectTokenError(verifier.verify(t1), 'ERR_TOKEN_INVALID', /timed out/, t1);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(600);
  });

  it("stops waiting when the call's own signal aborts, long before the timeout", async () => {
    const { server, verifier, token } = await setup({ jwksTimeoutMs: 10_000 });
    server.jwksMode = 'hang';
    const t1 = await token(k1);
    const started = performance.now();
    await expectTokenError(verifier.verify(t1, { signal: AbortSignal.timeout(100) }), 'ERR_TOKEN_INVALID', /aborted: the call's deadline passed/, t1);
    expect(performance.now() - started).toBeLessThan(1000);
    const aborted = AbortSignal.abort();
    await expectTokenError(verifier.verify(t1, { signal: aborted }), 'ERR_TOKEN_INVALID', /aborted: the call was cancelled/, t1);
  });
});

describe('OIDC discovery', () => {
  it('refuses a discovery document whose issuer is not exactly the configured one, and fetches no keys', async () => {
    const { server, verifier, token } = await setup();
    server.claimedIssuer = `${server.url}/`;
    const t1 = await token(k1);
    const reason = /OIDC discovery issuer mismatch: configured "http:\/\/127\.0\.0\.1:\d+", document says "http:\/\/127\.0\.0\.1:\d+\/"/;
    await expectTokenError(verifier.verify(t1), 'ERR_TOKEN_INVALID', reason, t1);
    expect(server.jwksHits()).toBe(0);
  });

  it('refuses a jwks_uri over plain HTTP to a non-loopback host', async () => {
    const { server, verifier, token } = await setup();
    server.jwksUri = 'http://keys.example/jwks';
    await expectTokenError(verifier.verify(await token(k1)), 'ERR_TOKEN_INVALID', /names jwks_uri "http:\/\/keys\.example\/jwks": not https/);
  });

  it('is lazy, and retried on a later call after the backoff when it failed', async () => {
    const { server, verifier, token } = await setup({ retryBackoffMs: 150 });
    expect(server.requests).toEqual([]);
    server.discoveryMode = 'down';
    const t1 = await token(k1);
    await expectTokenError(verifier.verify(t1), 'ERR_TOKEN_INVALID', /OIDC discovery of "http:.*" answered HTTP 503/, t1);
    server.discoveryMode = 'ok';
    await expectTokenError(verifier.verify(t1), 'ERR_TOKEN_INVALID', /answered HTTP 503; next attempt in \d+ ms/, t1);
    expect(server.requests).toEqual(['/.well-known/openid-configuration']);
    await sleep(200); // a sleep on purpose: the retry backoff must pass
    await expect(verifier.verify(t1)).resolves.toBeDefined();
    expect(server.requests).toEqual(['/.well-known/openid-configuration', '/.well-known/openid-configuration', '/jwks']);
  });

  it('after a failed prefetch (the issuer not up yet at start-up) the first call fetches again instead of waiting out the backoff', async () => {
    const { server, verifier, token } = await setup({ retryBackoffMs: 60_000 });
    server.discoveryMode = 'down';
    const [prefetched] = await verifier.prefetchKeys();
    expect(prefetched).toMatchObject({ ok: false, reason: expect.stringMatching(/answered HTTP 503/) as unknown });
    server.discoveryMode = 'ok';
    await expect(verifier.verify(await token(k1))).resolves.toMatchObject({ principal: { issuer: server.url } });
    expect(server.requests).toEqual(['/.well-known/openid-configuration', '/.well-known/openid-configuration', '/jwks']);
  });

  it('after a failed prefetch and a failed first call, the backoff holds: no fetch per call while the issuer is down', async () => {
    const { server, verifier, token } = await setup({ retryBackoffMs: 60_000 });
    server.discoveryMode = 'down';
    await verifier.prefetchKeys();
    const t1 = await token(k1);
    // The first call fetched again (and failed): its reason is the fetch's own, not the backoff's.
    await expectTokenError(verifier.verify(t1), 'ERR_TOKEN_INVALID', /answered HTTP 503(?!; next attempt)/, t1);
    await expectTokenError(verifier.verify(t1), 'ERR_TOKEN_INVALID', /answered HTTP 503; next attempt in \d+ ms/, t1);
    expect(server.requests).toEqual(['/.well-known/openid-configuration', '/.well-known/openid-configuration']);
  });

  it('prefetchKeys loads keys up front and reports failures per issuer without throwing', async () => {
    const { server, token } = await setup();
    const down = await startJwksServer();
    servers.push(down);
    down.discoveryMode = 'down';
    const verifier = new TokenVerifier({ issuers: [{ issuer: server.url }, { issuer: down.url }], audience: 'api' });
    const results = await verifier.prefetchKeys();
    expect(results).toEqual([
      { issuer: server.url, ok: true },
      { issuer: down.url, ok: false, reason: expect.stringMatching(/answered HTTP 503/) as unknown },
    ]);
    const requestsAfterPrefetch = server.requests.length;
    await verifier.verify(await token(k1));
    expect(server.requests.length).toBe(requestsAfterPrefetch);
  });
});
