import { decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import { parseSpiffeId } from '@rampart/core';

/**
 * A JWT-SVID from the Workload API: the token to send, whose it is, for whom and until when. The agent signed it; this
 * process only read it (a receiver verifies it against the trust domain's JWT bundle).
 *
 * @example
 * ```ts
 * const svid: JwtSvid = await jwt.fetchJwtSvid({ audience: ['spiffe://demo.rampart.dev/inventory'] });
 * metadata.set('authorization', `Bearer ${svid.token}`);
 * ```
 */
export interface JwtSvid {
  readonly spiffeId: string;
  /** The token, JWS compact serialization. */
  readonly token: string;
  /** The operator's label for this SVID (`''` when none). */
  readonly hint: string;
  /** The token's `aud`. */
  readonly audience: readonly string[];
  /** The token's `exp`. */
  readonly expiresAt: Date;
  /** The token's `iat`, when it has one. */
  readonly issuedAt: Date | undefined;
  /** Every claim of the token (unverified: read from the agent's answer). */
  readonly claims: Readonly<JWTPayload>;
}

/** The fields of one `JWTSVID` message. */
export interface JwtSvidMessage {
  readonly spiffeId: string;
  readonly svid: string;
  readonly hint: string;
}

/**
 * Reads a JWT-SVID the agent minted and checks it is what was asked for (the JWT-SVID specification's shape): a JWS
 * with `alg` and `kid`, `sub` equal to `spiffe_id` (a valid SPIFFE ID), an `exp` in the future, an `aud` holding
 * every requested audience.
 *
 * @throws Error saying what is wrong.
 *
 * @example
 * ```ts
 * const svid = parseJwtSvid(message.svids[0], ['spiffe://demo.rampart.dev/inventory']);
 * ```
 */
export function parseJwtSvid(message: JwtSvidMessage, audience: readonly string[], nowMs: number = Date.now()): JwtSvid {
  const fail = (problem: string, cause?: unknown): never => {
    throw new Error(`the JWT-SVID for ${JSON.stringify(message.spiffeId.slice(0, 120))} is refused: ${problem}`, cause === undefined ? undefined : { cause });
  };
  try {
    parseSpiffeId(message.spiffeId);
  } catch (error) {
    fail((error as Error).message, error);
  }
  let claims: JWTPayload = {};
  try {
    const header = decodeProtectedHeader(message.svid);
    if (typeof header.alg !== 'string' || header.alg === 'none') fail('its header has no signing algorithm');
    if (typeof header.kid !== 'string' || header.kid === '') fail('its header has no kid');
    claims = decodeJwt(message.svid);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('the JWT-SVID')) throw error;
    fail(`it is not a JWT (${(error as Error).message})`, error);
  }
  if (claims.sub !== message.spiffeId) fail('its sub is not spiffe_id');
  if (typeof claims.exp !== 'number') fail('it has no exp');
  if (claims.exp! * 1000 <= nowMs) fail(`it expired at ${new Date(claims.exp! * 1000).toISOString()}`);
  const aud = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
  const missing = audience.filter((wanted) => !aud.includes(wanted));
  if (missing.length > 0) fail(`its aud lacks ${missing.map((a) => JSON.stringify(a.slice(0, 120))).join(', ')}`);
  return Object.freeze({
    spiffeId: message.spiffeId,
    token: message.svid,
    hint: message.hint,
    audience: Object.freeze([...aud]),
    expiresAt: new Date(claims.exp! * 1000),
    issuedAt: typeof claims.iat === 'number' ? new Date(claims.iat * 1000) : undefined,
    claims: Object.freeze(claims),
  });
}
