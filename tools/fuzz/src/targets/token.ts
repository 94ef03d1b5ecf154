import { TokenVerifier } from '@rampart/auth';
import { AUDIENCE, ISSUER, jsonObject, NOW_MS, NOW_SEC, PUBLIC_JWK, signWithIssuerKey } from './fixtures/issuer.js';
import { holds, parts, refusedSafely } from './invariant.js';

// A bearer token, all the way through TokenVerifier.verify: the size and compact-JWS shape check, the unverified
// issuer, jose's signature and claim checks, Rampart's own. The first byte picks the mode:
// - even: the rest is the token text, as a caller sent it (the fuzzer cannot sign, so it must never be accepted);
// - odd: the rest is a header and a payload (NUL between them) that the target signs with the issuer's real key,
//   so every claim check runs on arbitrary claims. Accepted then only when the claims satisfy the rules below.
// Every refusal is ERR_TOKEN_INVALID, ERR_TOKEN_EXPIRED or ERR_TOKEN_BINDING (a `cnf` this server cannot check)
// with the one message a client may see.

const TOLERANCE_SEC = 30;
const verifier = new TokenVerifier({
  issuers: [{ issuer: ISSUER, jwks: { keys: [PUBLIC_JWK] }, algorithms: ['ES256'] }],
  audience: AUDIENCE,
  clockToleranceSec: TOLERANCE_SEC,
  cacheMax: 0,
  now: () => NOW_MS,
});

export async function fuzz(data: Buffer): Promise<void> {
  if (data.length === 0) return;
  const signed = (data[0] as number) % 2 === 1;
  const body = data.subarray(1);
  let token: string | undefined = body.toString('utf8');
  let header: Record<string, unknown> = {};
  let payload: Record<string, unknown> | undefined;
  if (signed) {
    const [headerText = '', payloadBytes = Buffer.alloc(0)] = parts(body, 2);
    header = jsonObject(headerText.toString('utf8')) ?? {};
    payload = jsonObject(payloadBytes.toString('utf8'));
    token = await signWithIssuerKey(header, payloadBytes);
    if (token === undefined) return;
  }
  let accepted;
  try {
    accepted = await verifier.verify(token);
  } catch (error) {
    refusedSafely(error, { codes: ['ERR_TOKEN_INVALID', 'ERR_TOKEN_EXPIRED', 'ERR_TOKEN_BINDING'], messages: ['invalid token', 'token expired'], input: token });
    return;
  }
  holds(signed && payload !== undefined, 'a token the fuzzer wrote (not signed with the issuer key) was accepted');
  acceptedOnlyByTheRules(header, payload, accepted.principal.claims);
}

function acceptedOnlyByTheRules(header: Record<string, unknown>, payload: Record<string, unknown>, claims: Readonly<Record<string, unknown>>): void {
  holds(payload['iss'] === ISSUER, 'accepted with another iss');
  const aud = payload['aud'];
  holds(aud === AUDIENCE || (Array.isArray(aud) && aud.includes(AUDIENCE)), 'accepted without the audience in aud');
  const exp = payload['exp'];
  holds(typeof exp === 'number' && exp > NOW_SEC - TOLERANCE_SEC, 'accepted without a current exp');
  const nbf = payload['nbf'];
  holds(nbf === undefined || (typeof nbf === 'number' && nbf <= NOW_SEC + TOLERANCE_SEC), 'accepted before nbf');
  const typ = header['typ'];
  holds(typeof typ === 'string' && /^(application\/)?at\+jwt$/i.test(typ), 'accepted without typ at+jwt');
  holds(header['kid'] === undefined || header['kid'] === PUBLIC_JWK.kid, 'accepted under another kid');
  holds(JSON.stringify(claims) === JSON.stringify(payload), 'the verified claims are not the signed payload');
}
