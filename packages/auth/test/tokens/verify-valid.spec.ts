import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenVerifier } from '../../src/index.js';
import { expectTokenError } from './support/expect-token-error.js';
import { startJwksServer, type JwksServer } from './support/jwks-server.js';
import { makeKey, mint, nowSec, type TestKey } from './support/keys.js';

let server: JwksServer;
let keys: Record<'ES256' | 'RS256' | 'EdDSA' | 'PS256', TestKey>;
let verifier: TokenVerifier;

beforeAll(async () => {
  keys = {
    ES256: await makeKey('ES256', 'ec-1'),
    RS256: await makeKey('RS256', 'rsa-1'),
    EdDSA: await makeKey('EdDSA', 'ed-1'),
    PS256: await makeKey('PS256', 'ps-1'),
  };
  server = await startJwksServer(Object.values(keys).map((k) => k.publicJwk));
  verifier = new TokenVerifier({ issuers: [{ issuer: server.url }], audience: 'inventory' });
});
afterAll(() => server.close());

describe('valid tokens', () => {
  it.each(['ES256', 'RS256', 'EdDSA', 'PS256'] as const)('accepts a %s token found through OIDC discovery', async (alg) => {
    const exp = nowSec() + 120;
    const token = await mint(keys[alg], { iss: server.url, aud: 'inventory', exp, sub: `svc-${alg}` });
    const { principal } = await verifier.verify(token);
    expect(principal.subject).toBe(`svc-${alg}`);
    expect(principal.issuer).toBe(server.url);
    expect(principal.expiresAt.getTime()).toBe(exp * 1000);
    expect(server.requests[0]).toBe('/.well-known/openid-configuration');
  });

  it('maps claims to the principal: client_id, scope + scp, act chain, jti, cnf, tokenHash', async () => {
    const token = await mint(keys.ES256, {
      iss: server.url,
      aud: ['orders', 'inventory'],
      sub: 'gateway',
      client_id: 'orders-client',
      scope: 'inventory:read  inventory:reserve',
      scp: ['extra:one'],
      act: { sub: 'orders', act: { sub: 'gateway-edge' } },
      jti: 'jti-123',
      cnf: { 'x5t#S256': 'thumbprint-abc' },
    });
    const verified = await verifier.verify(token);
    expect(verified.principal.clientId).toBe('orders-client');
    expect([...verified.principal.scopes].sort()).toEqual(['extra:one', 'inventory:read', 'inventory:reserve']);
    expect(verified.principal.actors).toEqual(['orders', 'gateway-edge']);
    expect(verified.jti).toBe('jti-123');
    expect(verified.confirmationThumbprint).toBe('thumbprint-abc');
    expect(verified.tokenHash).toBe(createHash('sha256').update(token).digest('base64url'));
    expect(Object.isFrozen(verified.principal.claims)).toBe(true);
    expect(Object.isFrozen(verified.principal.claims.cnf)).toBe(true);
  });

  it('leaves optional fields out when the claims are absent', async () => {
    const verified = await verifier.verify(await mint(keys.RS256, { iss: server.url, aud: 'inventory' }));
    expect(verified.jti).toBeUndefined();
    expect(verified.confirmationThumbprint).toBeUndefined();
    expect(verified.principal.clientId).toBeUndefined();
    expect(verified.principal.scopes.size).toBe(0);
    expect(verified.principal.actors).toEqual([]);
  });

  it.each([
    ['cnf x5t#S256 not a string', { cnf: { 'x5t#S256': 42 } }, /"cnf" has a malformed "x5t#S256"/],
    ['cnf not an object', { cnf: 'abc' }, /"cnf" must be an object/],
    ['act without sub', { act: { act: { sub: 'x' } } }, /"act" malformed/],
    ['scope not a string', { scope: ['a'] }, /"scope" must be a string/],
    ['scp with a number', { scp: ['a', 1] }, /"scp" must be a string or a list of strings/],
    ['client_id not a string', { client_id: 7 }, /"client_id" must be a string/],
    ['sub missing', { sub: undefined }, /missing required "sub" claim/],
    ['sub empty', { sub: '' }, /"sub" missing or not a string/],
  ])('refuses a signed token with malformed claims: %s', async (_name, claims, reason) => {
    const token = await mint(keys.ES256, { iss: server.url, aud: 'inventory', ...claims });
    await expectTokenError(verifier.verify(token), 'ERR_TOKEN_INVALID', reason, token);
  });

  it('uses the call audience over the default, and an issuer audience over the default', async () => {
    const token = await mint(keys.ES256, { iss: server.url, aud: 'orders' });
    await expectTokenError(verifier.verify(token), 'ERR_TOKEN_INVALID', /claim "aud" check_failed/, token);
    await expect(verifier.verify(token, { audience: ['billing', 'orders'] })).resolves.toBeDefined();
    const perIssuer = new TokenVerifier({ issuers: [{ issuer: server.url, audience: 'orders' }], audience: 'inventory' });
    await expect(perIssuer.verify(token)).resolves.toBeDefined();
  });

  it('refuses when no audience is expected at all (fails closed)', async () => {
    const noAudience = new TokenVerifier({ issuers: [{ issuer: server.url }] });
    const token = await mint(keys.ES256, { iss: server.url, aud: 'inventory' });
    await expectTokenError(noAudience.verify(token), 'ERR_TOKEN_INVALID', /no expected audience/, token);
  });

  it('accepts typ at+jwt and application/at+jwt (required by default, and with requireTyp: true)', async () => {
    const strict = new TokenVerifier({ issuers: [{ issuer: server.url, requireTyp: true }], audience: 'inventory' });
    for (const typ of ['at+jwt', 'application/at+jwt']) {
      const token = await mint(keys.ES256, { iss: server.url, aud: 'inventory' }, { typ });
      await expect(strict.verify(token)).resolves.toMatchObject({ principal: { subject: 'orders-client' } });
      await expect(verifier.verify(token)).resolves.toMatchObject({ principal: { subject: 'orders-client' } });
    }
  });

  it('with requireTyp: false (the opt-out for issuers of typ JWT) accepts any typ, or none', async () => {
    const lax = new TokenVerifier({ issuers: [{ issuer: server.url, requireTyp: false }], audience: 'inventory' });
    for (const typ of ['JWT', undefined, 'at+jwt']) {
      const token = await mint(keys.ES256, { iss: server.url, aud: 'inventory' }, { typ });
      await expect(lax.verify(token)).resolves.toMatchObject({ principal: { subject: 'orders-client' } });
    }
  });

  it('restricts issuers per call', async () => {
    const token = await mint(keys.ES256, { iss: server.url, aud: 'inventory' });
    await expect(verifier.verify(token, { issuer: [server.url] })).resolves.toBeDefined();
    await expectTokenError(
      verifier.verify(token, { issuer: 'https://other.example' }),
      'ERR_TOKEN_INVALID',
      /is not accepted for this call/,
      token,
    );
  });
});

describe('HMAC issuers', () => {
  const secret = new TextEncoder().encode('0123456789abcdef0123456789abcdef-hmac');
  const hmac = { alg: 'HS256', kid: 'h1', secret };

  it('accepts HS256 only for the issuer configured with the secret', async () => {
    const both = new TokenVerifier({ issuers: [{ issuer: server.url }, { issuer: 'internal', secret }], audience: 'inventory' });
    const good = await mint(hmac, { iss: 'internal', aud: 'inventory' });
    await expect(both.verify(good)).resolves.toMatchObject({ principal: { issuer: 'internal' } });

    const forgedForJwksIssuer = await mint(hmac, { iss: server.url, aud: 'inventory' });
    await expectTokenError(both.verify(forgedForJwksIssuer), 'ERR_TOKEN_INVALID', /alg "HS256" is not allowed/);

    const otherSecret = { ...hmac, secret: new TextEncoder().encode('another-secret-of-enough-length-000000') };
    const wrongSecret = await mint(otherSecret, { iss: 'internal', aud: 'inventory' });
    await expectTokenError(both.verify(wrongSecret), 'ERR_TOKEN_INVALID', /signature verification failed/, wrongSecret);

    const asymmetricForHmacIssuer = await mint(keys.ES256, { iss: 'internal', aud: 'inventory' });
    await expectTokenError(both.verify(asymmetricForHmacIssuer), 'ERR_TOKEN_INVALID', /alg "ES256" is not allowed/);
  });

  it('refuses HS256 everywhere when no secret is configured', async () => {
    const token = await mint(hmac, { iss: server.url, aud: 'inventory' });
    await expectTokenError(verifier.verify(token), 'ERR_TOKEN_INVALID', /alg "HS256" is not allowed .*allowed: RS256, PS256, ES256, EdDSA/, token);
  });
});

describe('several issuers at once', () => {
  it('verifies each token with its own issuer keys and refuses cross-issuer signatures', async () => {
    const other = await startJwksServer();
    try {
      const otherKey = await makeKey('ES256', 'other-1');
      other.keys = [otherKey.publicJwk];
      const multi = new TokenVerifier({ issuers: [{ issuer: server.url }, { issuer: other.url }], audience: 'inventory' });
      const a = await mint(keys.ES256, { iss: server.url, aud: 'inventory' });
      const b = await mint(otherKey, { iss: other.url, aud: 'inventory' });
      await expect(multi.verify(a)).resolves.toMatchObject({ principal: { issuer: server.url } });
      await expect(multi.verify(b)).resolves.toMatchObject({ principal: { issuer: other.url } });
      expect(multi.issuers).toEqual([server.url, other.url]);

      const signedByAClaimsB = await mint(keys.ES256, { iss: other.url, aud: 'inventory' }, { kid: 'other-1' });
      await expectTokenError(multi.verify(signedByAClaimsB), 'ERR_TOKEN_INVALID', /signature verification failed/, signedByAClaimsB);
    } finally {
      await other.close();
    }
  });
});
