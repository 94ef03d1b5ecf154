import { RampartError } from '@rampart/core';
import fc from 'fast-check';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { TokenVerifier } from '../../src/index.js';
import { RUNS } from './runs.js';

// Issue 18, item 3: the JWKS an issuer serves is outside input. Whatever the body (any bytes, any JSON, key sets with
// arbitrary members, the real key among junk, too large), a valid token is accepted only when the set holds the
// issuer's key and the body is within auth.tokens.jwksMaxBytes; every refusal is ERR_TOKEN_INVALID "invalid token".
// `pnpm fuzz` (target discovery-jwks) mutates discovery document and JWKS together, coverage-guided.

const ISSUER = 'https://issuer.example';
const JWKS_URI = `${ISSUER}/jwks`;
const MAX = 4_096;
let publicJwk: JWK;
let token: string;
beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  publicJwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
  token = await new SignJWT({ sub: 'caller' }).setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
    .setIssuer(ISSUER).setAudience('svc').setIssuedAt().setExpirationTime('5m').sign(privateKey);
});

const verifierServing = (body: Uint8Array) =>
  new TokenVerifier({
    issuers: [{ issuer: ISSUER, jwksUri: JWKS_URI }],
    audience: 'svc',
    jwksMaxBytes: MAX,
    cacheMax: 0,
    fetch: (url) => Promise.resolve(new Response(String(url) === JWKS_URI ? body : null, { status: String(url) === JWKS_URI ? 200 : 404 })),
  });

const JUNK_KEY = fc.dictionary(fc.constantFrom('kty', 'crv', 'x', 'y', 'kid', 'alg', 'use', 'n', 'e', 'k', 'key_ops'), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 6 });
const SETS = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ body: bytes, real: false })),
  fc.json({ maxDepth: 3 }).map((j) => ({ body: new TextEncoder().encode(j), real: false })),
  fc.tuple(fc.array(JUNK_KEY, { maxLength: 3 }), fc.boolean(), fc.nat({ max: 3 }), fc.nat({ max: 2 * MAX })).map(([junk, withReal, at, padding]) => {
    const keys: unknown[] = [...junk];
    if (withReal) keys.splice(at, 0, publicJwk);
    return { body: new TextEncoder().encode(JSON.stringify({ keys, pad: 'x'.repeat(padding) })), real: withReal };
  }),
);

describe('JWKS documents, arbitrary', () => {
  it('a token is accepted only with the issuer key in a set within the byte limit; refusals are ERR_TOKEN_INVALID', async () => {
    await fc.assert(
      fc.asyncProperty(SETS, async ({ body, real }) => {
        try {
          await verifierServing(body).verify(token);
        } catch (error) {
          expect(error).toBeInstanceOf(RampartError);
          expect((error as RampartError).code).toBe('ERR_TOKEN_INVALID');
          expect((error as RampartError).message).toBe('invalid token');
          return;
        }
        expect(real).toBe(true);
        expect(body.length).toBeLessThanOrEqual(MAX);
      }),
      { numRuns: Math.min(RUNS, 200) },
    );
  });
});
