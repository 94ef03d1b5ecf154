import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { TokenVerifier, type TokenVerifierOptions } from '../../src/index.js';
import { expectTokenError } from './support/expect-token-error.js';
import { startJwksServer, type JwksServer } from './support/jwks-server.js';
import { makeKey, mint, nowSec, type TestKey } from './support/keys.js';

let server: JwksServer;
let key: TestKey;
const make = (options: Partial<TokenVerifierOptions> = {}) =>
  new TokenVerifier({ issuers: [{ issuer: server.url }], audience: 'inventory', ...options });
const token = (claims: object = {}) => mint(key, { iss: server.url, aud: 'inventory', ...claims });

beforeAll(async () => {
  key = await makeKey('ES256', 'ec-1');
  server = await startJwksServer([key.publicJwk]);
});
afterAll(() => server.close());
afterEach(() => vi.restoreAllMocks());

/** Counts signature verifications (jose calls WebCrypto's `subtle.verify` once per verified signature). */
const spyOnSignatures = () => vi.spyOn(crypto.subtle, 'verify');

describe('verified-token cache', () => {
  it('keeps a token from its second verification: later ones skip signature verification and the network', async () => {
    const verifier = make();
    const t = await token();
    const signatures = spyOnSignatures();
    await verifier.verify(t);
    expect(signatures).toHaveBeenCalledTimes(1);
    await verifier.verify(t); // the first one only noted the token (admission), this one stores it
    expect(signatures).toHaveBeenCalledTimes(2);
    const requests = server.requests.length;
    const again = await verifier.verify(t);
    expect(signatures).toHaveBeenCalledTimes(2);
    expect(server.requests.length).toBe(requests);
    expect(again.principal.subject).toBe('orders-client');
  });

  it('tokens used once do not displace the tokens in repeated use', async () => {
    const verifier = make({ cacheMax: 2 });
    const [a, b] = await Promise.all([token({ jti: 'a' }), token({ jti: 'b' })]);
    const once = await Promise.all(Array.from({ length: 8 }, (_, i) => token({ jti: `once-${i}` })));
    for (const t of [a, a, b, b]) await verifier.verify(t);
    const signatures = spyOnSignatures();
    for (const t of once) await verifier.verify(t);
    expect(signatures).toHaveBeenCalledTimes(8);
    await verifier.verify(a);
    await verifier.verify(b);
    expect(signatures).toHaveBeenCalledTimes(8); // both still cached: without admission, a and b would be evicted
  });

  it('notes tokens for a window of cacheMax new tokens: a token seen again only after it is noted anew', async () => {
    const verifier = make({ cacheMax: 2 });
    const [t, x, y] = await Promise.all([token({ jti: 't' }), token({ jti: 'x' }), token({ jti: 'y' })]);
    const signatures = spyOnSignatures();
    for (const each of [t, x, y]) await verifier.verify(each); // the third new token starts a new window
    await verifier.verify(t); // noted anew
    await verifier.verify(t); // stored
    await verifier.verify(t); // a hit
    expect(signatures).toHaveBeenCalledTimes(5);
  });

  it('makes a repeated verification much cheaper than a full one', async () => {
    const t = await token();
    const cached = make();
    const uncached = make({ cacheMax: 0 });
    await cached.verify(t);
    await cached.verify(t);
    await uncached.verify(t);
    const time = async (verifier: TokenVerifier) => {
      const started = performance.now();
      for (let i = 0; i < 200; i += 1) await verifier.verify(t);
      return performance.now() - started;
    };
    const full = await time(uncached);
    const hit = await time(cached);
    expect(hit).toBeLessThan(full / 3);
  });

  it('does not serve an entry past the token exp', async () => {
    let clock = Date.now();
    const verifier = make({ now: () => clock, clockToleranceSec: 0 });
    const t = await token({ exp: nowSec() + 60 });
    const signatures = spyOnSignatures();
    for (let i = 0; i < 3; i += 1) await verifier.verify(t);
    expect(signatures).toHaveBeenCalledTimes(2);
    clock += 61_000;
    await expectTokenError(verifier.verify(t), 'ERR_TOKEN_EXPIRED', /exp \d+ <= now \d+ - tolerance 0s/, t);
  });

  it('ends an entry at exp even inside the clock tolerance: the token is verified again', async () => {
    let clock = Date.now();
    const verifier = make({ now: () => clock, clockToleranceSec: 30 });
    const t = await token({ exp: nowSec() + 60 });
    const signatures = spyOnSignatures();
    await verifier.verify(t);
    await verifier.verify(t);
    clock += 59_000;
    await verifier.verify(t);
    expect(signatures).toHaveBeenCalledTimes(2);
    clock += 10_000;
    await expect(verifier.verify(t)).resolves.toBeDefined(); // past exp, within tolerance
    expect(signatures).toHaveBeenCalledTimes(3);
    clock += 30_000;
    await expectTokenError(verifier.verify(t), 'ERR_TOKEN_EXPIRED', /tolerance 30s/, t);
  });

  it('keeps at most cacheMax tokens, evicting the least recently used', async () => {
    const verifier = make({ cacheMax: 2 });
    const [a, b, c] = await Promise.all([token({ jti: 'a' }), token({ jti: 'b' }), token({ jti: 'c' })]);
    const signatures = spyOnSignatures();
    for (const t of [a, a, b, b, c, c]) await verifier.verify(t); // each stored at its second verification
    expect(signatures).toHaveBeenCalledTimes(6);
    await verifier.verify(c);
    await verifier.verify(b);
    expect(signatures).toHaveBeenCalledTimes(6);
    await verifier.verify(a);
    expect(signatures).toHaveBeenCalledTimes(7);
  });

  it('checks the call audience and issuer on a hit', async () => {
    const verifier = make();
    const t = await token({ aud: ['inventory', 'orders'] });
    await verifier.verify(t);
    await verifier.verify(t);
    await expect(verifier.verify(t, { audience: 'orders' })).resolves.toBeDefined();
    await expectTokenError(
      verifier.verify(t, { audience: 'billing' }),
      'ERR_TOKEN_INVALID',
      /claim "aud" check_failed: got "inventory orders", expected one of "billing" \(issuer ".*", cached\)/,
      t,
    );
    await expectTokenError(verifier.verify(t, { issuer: 'https://x.example' }), 'ERR_TOKEN_INVALID', /not accepted for this call/, t);
  });

  it('hands out an immutable result: a caller cannot widen what the next call with the token is granted', async () => {
    const verifier = make();
    const t = await token({ scope: 'inventory:read', act: { sub: 'svc' } });
    const first = await verifier.verify(t);
    const scopes = first.principal.scopes as Set<string>;
    expect(scopes).toBeInstanceOf(Set);
    expect(() => scopes.add('admin')).toThrow(/read-only/);
    expect(() => scopes.delete('inventory:read')).toThrow(/read-only/);
    expect(() => scopes.clear()).toThrow(/read-only/);
    expect(() => Object.assign(first.principal, { subject: 'root' })).toThrow(TypeError);
    expect(() => Object.assign(first, { confirmationThumbprint: undefined })).toThrow(TypeError);
    expect(() => (first.principal.actors as string[]).push('mallory')).toThrow(TypeError);
    const expiresAt = first.principal.expiresAt;
    expect(expiresAt).toBeInstanceOf(Date);
    expect(() => expiresAt.setTime(Date.now() + 86_400_000)).toThrow(/read-only/);
    expect(() => expiresAt.setMinutes(expiresAt.getMinutes() + 60)).toThrow(/read-only/);
    expect(() => expiresAt.setUTCFullYear(2999)).toThrow(/read-only/);
    const second = await verifier.verify(t);
    expect(second.principal.expiresAt.getTime()).toBe(first.principal.expiresAt.getTime());
    expect(second.principal.expiresAt.toISOString()).toBe(new Date(second.principal.expiresAt).toISOString());
    expect([...second.principal.scopes]).toEqual(['inventory:read']);
    expect(second.principal.subject).toBe(first.principal.subject);
    expect(second.principal.actors).toEqual(['svc']);
    // A copy of the scopes is an ordinary, writable set.
    const mine = new Set(second.principal.scopes);
    mine.add('admin');
    expect(mine.has('admin')).toBe(true);
  });

  it('does not cache failures', async () => {
    const verifier = make();
    const t = await token({ aud: 'orders' });
    const signatures = spyOnSignatures();
    await expectTokenError(verifier.verify(t), 'ERR_TOKEN_INVALID', /aud/, t);
    await expectTokenError(verifier.verify(t), 'ERR_TOKEN_INVALID', /aud/, t);
    expect(signatures).toHaveBeenCalledTimes(2);
  });
});
