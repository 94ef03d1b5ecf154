import { createLocalJWKSet, jwtVerify } from 'jose';
import { rampartErrorOf, waitFor } from '@rampart/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { JwtSource, type JwtBundles, type JwtSourceOptions, type WatchProblem } from '../src/index.js';
import { TestWorkloadApi } from '../src/testing.js';

const ORDERS = 'spiffe://test.rampart.dev/orders';
const INVENTORY = 'spiffe://test.rampart.dev/inventory';
const cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function agentAndSource(options: Omit<JwtSourceOptions, 'address'> = {}, jwtSvidLifetimeSeconds = 300) {
  const agent = await TestWorkloadApi.start({ identities: [{ spiffeId: ORDERS }], jwtSvidLifetimeSeconds });
  cleanup.push(() => agent.close());
  const source = await JwtSource.create({ address: agent.address, backoff: { initialMs: 20, maxMs: 100, jitter: 0 }, ...options });
  cleanup.push(() => source.close());
  return { agent, source };
}

/** jose takes only keys without `use` or with `use: sig`; SPIFFE marks JWT keys `use: jwt-svid`. */
function verifier(bundles: JwtBundles, trustDomain: string) {
  return createLocalJWKSet({ keys: bundles.get(trustDomain)!.keys.map(({ use: _use, ...key }) => key) });
}

describe('JwtSource', () => {
  it('caches a JWT-SVID per audience set and shares one FetchJWTSVID among concurrent callers', async () => {
    const { agent, source } = await agentAndSource();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => source.fetchJwtSvid({ audience: [INVENTORY] })));
    expect(agent.calls.FetchJWTSVID).toBe(1);
    expect(new Set(tokens.map((t) => t.token)).size).toBe(1);
    // the same audience set in another order, repeated: the same entry
    const again = await source.fetchJwtSvid({ audience: [INVENTORY, INVENTORY] });
    expect(again.token).toBe(tokens[0]!.token);
    expect(agent.calls.FetchJWTSVID).toBe(1);
    const both = await Promise.all([source.fetchJwtSvid({ audience: ['a', INVENTORY] }), source.fetchJwtSvid({ audience: [INVENTORY, 'a'] })]);
    expect(both[0].token).toBe(both[1].token);
    expect(agent.calls.FetchJWTSVID).toBe(2);
    // another SPIFFE ID is another entry
    await source.fetchJwtSvid({ audience: [INVENTORY], spiffeId: ORDERS });
    expect(agent.calls.FetchJWTSVID).toBe(3);
    // what was cached verifies against the trust domain's bundle from the stream
    const { payload } = await jwtVerify(tokens[0]!.token, verifier(source.bundles(), 'test.rampart.dev'), { audience: INVENTORY });
    expect(payload.sub).toBe(ORDERS);
  });

  it('fetches anew once the token is within refreshBeforeExpiryMs of its exp', async () => {
    const { agent, source } = await agentAndSource({ refreshBeforeExpiryMs: 2000 }, 4); // exp is whole seconds: at least 1 s of cache
    const first = await source.fetchJwtSvid({ audience: [INVENTORY] });
    expect(agent.calls.FetchJWTSVID).toBe(1);
    expect(await source.fetchJwtSvid({ audience: [INVENTORY] })).toBe(first);
    await waitFor(() => Date.now() >= first.expiresAt.getTime() - 2000, 'the refresh point');
    const second = await source.fetchJwtSvid({ audience: [INVENTORY] });
    expect(agent.calls.FetchJWTSVID).toBe(2);
    expect(second.expiresAt.getTime()).toBeGreaterThanOrEqual(first.expiresAt.getTime());
  });

  it('by default keeps a token for half its lifetime', async () => {
    const { agent, source } = await agentAndSource({}, 4);
    const first = await source.fetchJwtSvid({ audience: [INVENTORY] });
    expect(await source.fetchJwtSvid({ audience: [INVENTORY] })).toBe(first);
    expect(agent.calls.FetchJWTSVID).toBe(1);
    await waitFor(() => Date.now() >= first.issuedAt!.getTime() + 2000, 'half the lifetime');
    await source.fetchJwtSvid({ audience: [INVENTORY] });
    expect(agent.calls.FetchJWTSVID).toBe(2);
  });

  it('a failed fetch is not cached, and every waiting caller gets its error', async () => {
    const { agent, source } = await agentAndSource();
    const failures = await Promise.all([1, 2, 3].map(() => rampartErrorOf(source.fetchJwtSvid({ audience: ['x'], spiffeId: 'spiffe://test.rampart.dev/not-mine' }))));
    expect(failures.map((e) => e.code)).toEqual(['ERR_PERMISSION_DENIED', 'ERR_PERMISSION_DENIED', 'ERR_PERMISSION_DENIED']);
    expect(agent.calls.FetchJWTSVID).toBe(1);
    await rampartErrorOf(source.fetchJwtSvid({ audience: ['x'], spiffeId: 'spiffe://test.rampart.dev/not-mine' }));
    expect(agent.calls.FetchJWTSVID).toBe(2);
  });

  it('keeps the JWT bundles up to date: key rotation, federation, a refused bundle keeps the last good one', async () => {
    const { agent, source } = await agentAndSource();
    const updates: JwtBundles[] = [];
    const errors: [string, WatchProblem][] = [];
    source.on('update', (b) => updates.push(b));
    source.on('error', (e, p) => errors.push([e.message, p]));
    expect(source.bundleFor('test.rampart.dev')!.keys).toHaveLength(1);
    await agent.rotateJwtKey();
    await waitFor(() => updates.length === 1, 'the rotated key');
    expect(source.bundleFor('test.rampart.dev')!.keys).toHaveLength(2);
    expect(source.bundleFor('test.rampart.dev')!.keys.map((k) => k.kid)).toEqual(agent.own.jwks().keys.map((k) => k.kid));
    await agent.federate('partner.example');
    await waitFor(() => source.bundleFor('partner.example') !== undefined, 'the federated JWT bundle');

    const good = source.bundles();
    const badBundles = [
      [{ keys: [{ kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' }] }, /has no kid/],
      [{ keys: [{ ...agent.own.jwks().keys[0], d: 'secret' }] }, /is a private key/],
      [{ nope: [] }, /no "keys" array/],
    ] as const;
    for (const [bundle, message] of badBundles) {
      agent.pushJwtBundlesResponse({ bundles: { 'spiffe://test.rampart.dev': Buffer.from(JSON.stringify(bundle)) } });
      await waitFor(() => errors.length > 0, `the refusal of ${String(message)}`);
      const [text, problem] = errors.shift()!;
      expect(text).toMatch(message);
      expect(problem.kind).toBe('bad-response');
      expect(source.bundles()).toBe(good);
    }
    agent.pushJwtBundlesResponse({ bundles: { 'spiffe://test.rampart.dev': Buffer.from('{not json') } });
    await waitFor(() => errors.length > 0, 'the refusal of broken JSON');
    expect(errors.shift()![0]).toMatch(/is not JSON/);
    expect(source.bundles()).toBe(good);
  });

  it('reconnects the bundle stream after an agent restart and validates through the agent', async () => {
    const { agent, source } = await agentAndSource();
    const problems: WatchProblem[] = [];
    source.on('error', (_e, p) => problems.push(p));
    await agent.stop();
    await waitFor(() => problems.some((p) => p.kind === 'stream-down'), 'the broken stream');
    expect(source.bundleFor('test.rampart.dev')).toBeDefined(); // the last good bundles stay
    await agent.start();
    await agent.rotateJwtKey();
    await waitFor(() => source.bundleFor('test.rampart.dev')!.keys.length === 2, 'the bundles after the restart');
    const { token } = await source.fetchJwtSvid({ audience: [INVENTORY] });
    expect((await source.validateJwtSvid(token, INVENTORY)).spiffeId).toBe(ORDERS);
    expect((await rampartErrorOf(source.validateJwtSvid(token, 'spiffe://test.rampart.dev/other'))).code).toBe('ERR_INVALID_ARGUMENT');
  });

  it('refuses to fetch once closed, and checks its options', async () => {
    const { source } = await agentAndSource();
    source.close();
    expect((await rampartErrorOf(source.fetchJwtSvid({ audience: ['a'] }))).code).toBe('ERR_APP_STATE');
    expect((await rampartErrorOf(JwtSource.create({ address: 'unix:///x.sock', refreshBeforeExpiryMs: -1 }))).code).toBe('ERR_CONFIG_INVALID');
  });
});
