import { SIGNING_ALG, type KeyFile } from '@rampart/issuer';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, importJWK, SignJWT, type JWTPayload } from 'jose';
import { readFileSync } from 'node:fs';

/**
 * A token exactly like `genuine` (a token the issuer just gave) but signed again with the issuer's real current key
 * and expired `agoSec` seconds ago: only its lifetime is wrong.
 */
export async function expiredLike(genuine: string, keysFile: string, agoSec: number): Promise<string> {
  const file = JSON.parse(readFileSync(keysFile, 'utf8')) as KeyFile;
  const jwk = file.keys[0];
  if (!jwk?.kid) throw new Error(`${keysFile} has no signing key`);
  const key = await importJWK(jwk, SIGNING_ALG);
  const now = Math.floor(Date.now() / 1_000);
  const claims = decodeJwt(genuine);
  const lifetime = (claims.exp ?? now) - (claims.iat ?? now);
  const payload: JWTPayload = { ...claims, iat: now - agoSec - lifetime, exp: now - agoSec };
  if (claims.nbf !== undefined) payload.nbf = payload.iat;
  return new SignJWT(payload).setProtectedHeader({ ...decodeProtectedHeader(genuine), alg: SIGNING_ALG, kid: jwk.kid }).sign(key);
}

/** The same token with its header and claims kept, signed by a key the issuer never had, under the issuer's kid. */
export async function forgedLike(genuine: string): Promise<string> {
  const { privateKey } = await generateKeyPair(SIGNING_ALG);
  const header = decodeProtectedHeader(genuine);
  return new SignJWT(decodeJwt(genuine)).setProtectedHeader({ ...header, alg: SIGNING_ALG }).sign(privateKey);
}
