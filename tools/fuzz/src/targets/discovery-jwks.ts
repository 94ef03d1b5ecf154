import { TokenVerifier } from '@rampart/auth';
import { AUDIENCE, ISSUER, KID, NOW_MS, NOW_SEC, PUBLIC_JWK, signWithIssuerKey } from './fixtures/issuer.js';
import { holds, parts, refusedSafely } from './invariant.js';

// What an issuer's web server answers, read by TokenVerifier through OIDC discovery: the input is the discovery
// document and the JWKS, NUL between them (`$X` and `$Y` in the JWKS stand for the issuer key's coordinates, so the
// seeds can name the real key). A valid token is then verified. Whatever the answers hold:
// - only the discovery URL and https URLs on the issuer's own host are fetched (no jwksHosts configured);
// - a body over its byte limit never gets a token accepted;
// - a token is accepted only with the issuer's real key in the JWKS;
// - every refusal is ERR_TOKEN_INVALID with the message "invalid token".

const DISCOVERY_MAX_BYTES = 2_048;
const JWKS_MAX_BYTES = 4_096;
const DISCOVERY_URL = `${ISSUER}/.well-known/openid-configuration`;
const payload = { iss: ISSUER, aud: AUDIENCE, sub: 'fuzz', exp: NOW_SEC + 300, iat: NOW_SEC };
const token = await signWithIssuerKey({ typ: 'at+jwt', kid: KID }, Buffer.from(JSON.stringify(payload)));
if (token === undefined) throw new Error('the discovery target cannot sign its token');

export async function fuzz(data: Buffer): Promise<void> {
  const [discovery = Buffer.alloc(0), jwksTemplate = Buffer.alloc(0)] = parts(data, 2);
  const jwks = Buffer.from(jwksTemplate.toString('latin1').replaceAll('$X', PUBLIC_JWK.x ?? '').replaceAll('$Y', PUBLIC_JWK.y ?? ''), 'latin1');
  const fetched: string[] = [];
  const verifier = new TokenVerifier({
    issuers: [{ issuer: ISSUER }],
    audience: AUDIENCE,
    discoveryMaxBytes: DISCOVERY_MAX_BYTES,
    jwksMaxBytes: JWKS_MAX_BYTES,
    cacheMax: 0,
    now: () => NOW_MS,
    fetch: (url) => {
      fetched.push(String(url));
      return Promise.resolve(new Response(String(url) === DISCOVERY_URL ? discovery : jwks, { status: 200 }));
    },
  });
  let accepted = false;
  try {
    await verifier.verify(token as string);
    accepted = true;
  } catch (error) {
    refusedSafely(error, { codes: ['ERR_TOKEN_INVALID'], messages: ['invalid token'], input: token });
  }
  holds(fetched[0] === undefined || fetched[0] === DISCOVERY_URL, `fetched ${fetched[0]} before the discovery document`);
  for (const url of fetched.slice(1)) {
    holds(new URL(url).protocol === 'https:' && new URL(url).host === new URL(ISSUER).host, `fetched keys from ${url}`);
  }
  if (!accepted) return;
  holds(discovery.length <= DISCOVERY_MAX_BYTES, `accepted after a ${discovery.length}-byte discovery document`);
  holds(jwks.length <= JWKS_MAX_BYTES, `accepted after a ${jwks.length}-byte JWKS`);
  holds(holdsIssuerKey(jwks), 'accepted with a JWKS that does not hold the issuer key');
}

/**
 * Whether some key of the JWKS has the issuer key's coordinates, compared as bytes: jose decodes base64url leniently
 * (characters outside the alphabet are skipped), so `"x": "<x>\u00bf"` is still the issuer's key.
 */
function holdsIssuerKey(jwks: Buffer): boolean {
  const bytes = (v: unknown) => Buffer.from(typeof v === 'string' ? v : '', 'base64url');
  try {
    const { keys } = JSON.parse(jwks.toString('utf8')) as { keys?: unknown };
    return Array.isArray(keys) && keys.some((k: { x?: unknown; y?: unknown }) => bytes(k?.x).equals(bytes(PUBLIC_JWK.x)) && bytes(k?.y).equals(bytes(PUBLIC_JWK.y)));
  } catch {
    return false;
  }
}
