import { readFile } from 'node:fs/promises';
import { generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { demoId } from './dev-pki.js';

/** What an attacker (or a stale client) might present: tokens the services must refuse. */
export interface AttackTokens {
  /** Signed with the issuer's real key, bound to the caller's certificate, but expired a minute ago. */
  readonly expired: string;
  /** Claims that look right and the issuer's key id, signed with a key the attacker made up. */
  readonly forged: string;
}

/**
 * Builds the attack tokens. The expired one needs the issuer's signing key, which the demo can read from the
 * git-ignored development keys file (a real attacker cannot: that is what makes it an expiry test, not a forgery).
 */
export async function attackTokens(issuerUrl: string, keysFile: string, thumbprint: string): Promise<AttackTokens> {
  // The issuer's keys file is a JWK Set whose first ES256 key signs (see apps/issuer/README.md).
  const { keys } = JSON.parse(await readFile(keysFile, 'utf8')) as { keys: JWK[] };
  const jwk = keys.find((k) => k.alg === 'ES256' && k.d !== undefined);
  if (jwk?.kid === undefined) throw new Error(`no ES256 signing key in ${keysFile}`);
  const signingKid = jwk.kid;
  const issuerKey = await importJWK(jwk, 'ES256');
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: issuerUrl,
    aud: demoId('orders'),
    sub: 'demo-client',
    client_id: 'demo-client',
    scope: 'orders:read orders:write',
    cnf: { 'x5t#S256': thumbprint },
  };
  const expired = await new SignJWT({ ...claims, iat: now - 600, exp: now - 60, jti: 'demo-expired' })
    .setProtectedHeader({ alg: 'ES256', kid: signingKid, typ: 'at+jwt' })
    .sign(issuerKey);
  const attacker = await generateKeyPair('ES256');
  const forged = await new SignJWT({ ...claims, iat: now, exp: now + 300, jti: 'demo-forged' })
    .setProtectedHeader({ alg: 'ES256', kid: signingKid, typ: 'at+jwt' })
    .sign(attacker.privateKey);
  return { expired, forged };
}
