import { readFileSync } from 'node:fs';
import { importJWK, jwtVerify, type JWK, type JWTVerifyResult } from 'jose';
import type { Fixtures } from '../ipc.js';

// Its own module, importing jose alone: the bare grpc-js server that verifies with it must not load Rampart.

/**
 * Raw jose: `jwtVerify` with the issuer's public key imported once and the claim checks Rampart asks for (issuer,
 * audience, ES256, `typ: at+jwt`, `exp` and `sub` required, no clock tolerance). No cache.
 */
export async function rawJoseVerifier(fixtures: Fixtures): Promise<(token: string) => Promise<JWTVerifyResult>> {
  const jwk = (JSON.parse(readFileSync(fixtures.jwksFile, 'utf8')) as { keys: JWK[] }).keys[0] as JWK;
  const key = await importJWK(jwk, 'ES256');
  const options = {
    algorithms: ['ES256'],
    issuer: fixtures.issuer,
    audience: fixtures.audience,
    requiredClaims: ['exp', 'sub'],
    typ: 'at+jwt',
    clockTolerance: 0,
  };
  return (token) => jwtVerify(token, key, options);
}
