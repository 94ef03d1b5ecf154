import { RampartError } from '@rampart/core';
import { errors } from 'jose';

/**
 * The one message a client sees for any token that is not accepted (except an expired one).
 *
 * @example
 * ```ts
 * if (err.message === INVALID_TOKEN_MESSAGE) audit.deny(err.reason);
 * ```
 */
export const INVALID_TOKEN_MESSAGE = 'invalid token';
/**
 * The one message a client sees for a token whose `exp` has passed.
 *
 * @example
 * ```ts
 * if (err.message === EXPIRED_TOKEN_MESSAGE) client.refreshToken();
 * ```
 */
export const EXPIRED_TOKEN_MESSAGE = 'token expired';

/**
 * An `ERR_TOKEN_INVALID` error: the wire gets `invalid token`, the audit log gets `reason`.
 *
 * @example
 * ```ts
 * throw invalidToken('unknown issuer "https://evil.example"');
 * ```
 */
export function invalidToken(reason: string, cause?: unknown): RampartError {
  return new RampartError('ERR_TOKEN_INVALID', INVALID_TOKEN_MESSAGE, { reason, cause });
}

/**
 * An `ERR_TOKEN_EXPIRED` error: the wire gets `token expired`, the audit log gets `reason`.
 *
 * @example
 * ```ts
 * throw expiredToken('exp 1700000000 <= now 1700000100 - tolerance 30s');
 * ```
 */
export function expiredToken(reason: string): RampartError {
  return new RampartError('ERR_TOKEN_EXPIRED', EXPIRED_TOKEN_MESSAGE, { reason });
}

/**
 * What is known about a token when its verification fails; every field is safe to log.
 *
 * @example
 * ```ts
 * const ctx: TokenFailureContext = { issuer, kid, alg, typ, allowedAlgorithms, expectedAudience, nowSec, toleranceSec };
 * ```
 */
export interface TokenFailureContext {
  readonly issuer: string;
  /** What the token was verified as, when not an issuer's token (e.g. `JWT-SVID of trust domain "example.org"`). */
  readonly source?: string | undefined;
  readonly kid: unknown;
  readonly alg: unknown;
  readonly allowedAlgorithms: readonly string[];
  readonly expectedAudience: readonly string[];
  readonly nowSec: number;
  readonly toleranceSec: number;
  readonly typ: unknown;
}

/**
 * Shortens and quotes a value taken from an unverified token, so a reason stays one short line.
 *
 * @example
 * ```ts
 * quote('a'.repeat(500)); // '"aaaa…"' (at most 80 characters inside the quotes)
 * quote(42); // '42'
 * ```
 */
export function quote(value: unknown): string {
  if (value === undefined) return 'none';
  if (typeof value === 'number') return String(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? typeof value;
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

/**
 * Turns any failure of `jwtVerify` (or of a key source) into a `RampartError` with a precise reason that names the
 * failed check, the issuer, `kid` and `alg`. Never includes the token itself.
 *
 * @example
 * ```ts
 * try { await jwtVerify(token, getKey, opts); } catch (e) { throw toTokenError(e, context); }
 * ```
 */
export function toTokenError(error: unknown, ctx: TokenFailureContext): RampartError {
  const where = `(${ctx.source ?? `issuer ${quote(ctx.issuer)}`}, kid ${quote(ctx.kid)}, alg ${quote(ctx.alg)})`;
  if (RampartError.is(error)) {
    if (error.code !== 'ERR_TOKEN_INVALID') return error;
    return invalidToken(`${error.reason ?? error.message} ${where}`, error.cause);
  }
  if (error instanceof errors.JWTExpired) {
    const exp = (error.payload as { exp?: unknown }).exp;
    return expiredToken(`exp ${quote(exp)} <= now ${ctx.nowSec} - tolerance ${ctx.toleranceSec}s ${where}`);
  }
  return invalidToken(`${describe(error, ctx)} ${where}`, error);
}

/** What a refusal for `typ` adds: the rule, and the setting that turns it off for an issuer that needs that. */
const TYP_ADVICE =
  '; the issuer requires typ at+jwt (RFC 9068): if it issues access tokens with another typ, set requireTyp: false on its entry in auth.tokens.issuers';

function describe(error: unknown, ctx: TokenFailureContext): string {
  if (error instanceof errors.JWTClaimValidationFailed) {
    const got = error.claim === 'typ' ? ctx.typ : (error.payload as Record<string, unknown>)[error.claim];
    const expected = error.claim === 'aud' ? `, expected one of ${quote(ctx.expectedAudience.join(' '))}` : '';
    return `claim "${error.claim}" ${error.reason}: ${error.message} (got ${quote(got)}${expected})${error.claim === 'typ' ? TYP_ADVICE : ''}`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return `alg ${quote(ctx.alg)} is not allowed for this issuer (allowed: ${ctx.allowedAlgorithms.join(', ')})`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature verification failed';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key in the issuer JWKS matches the token kid and alg';
  if (error instanceof errors.JWKSMultipleMatchingKeys) {
    return 'several JWKS keys match the token (it has no kid): refused';
  }
  if (error instanceof errors.JWKSTimeout) return 'JWKS fetch timed out';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return `malformed token: ${error.message}`;
  }
  if (error instanceof errors.JOSENotSupported) return `unsupported: ${error.message}`;
  if (error instanceof errors.JOSEError) return `${error.code}: ${error.message}`;
  return `verification failed: ${error instanceof Error ? error.message : String(error)}`;
}
