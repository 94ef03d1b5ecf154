import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTHeaderParameters, type JWTPayload } from 'jose';

export type TestAlg = 'ES256' | 'RS256' | 'PS256' | 'EdDSA';

/** A signing key and its public JWK (with `kid`, `alg`, `use`). */
export interface TestKey {
  readonly kid: string;
  readonly alg: TestAlg;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly publicJwk: JWK;
}

export async function makeKey(alg: TestAlg, kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  return { kid, alg, privateKey, publicKey, publicJwk };
}

export const nowSec = (): number => Math.floor(Date.now() / 1000);

/**
 * Signs a token with `key`. Defaults: `sub`, `iat` now, `exp` in 5 minutes, header `typ: at+jwt`; `claims` and `header`
 * override them. A claim or header member set to `undefined` is left out.
 */
export async function mint(
  key: TestKey | { alg: string; kid?: string; secret: Uint8Array },
  claims: JWTPayload,
  header: Partial<JWTHeaderParameters> = {},
): Promise<string> {
  const payload: JWTPayload = { sub: 'orders-client', iat: nowSec(), exp: nowSec() + 300, ...claims };
  for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
  const signingKey = 'secret' in key ? key.secret : key.privateKey;
  return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header }).sign(signingKey);
}

/** base64url of a JSON value (for hand-made token parts). */
export const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
