import { invalidToken, quote } from './token-errors.js';

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Checks, before any parsing, that `token` is a non-empty string of at most `maxBytes` characters in the JWS Compact
 * Serialization (three non-empty base64url parts; so ASCII, where characters are bytes). A JWE (five parts), a
 * two-part or unsigned (`alg: none`, empty signature) token and anything else fails with `ERR_TOKEN_INVALID`.
 *
 * @example
 * ```ts
 * assertTokenShape(token, 8192); // throws RampartError('ERR_TOKEN_INVALID', 'invalid token', { reason })
 * ```
 */
export function assertTokenShape(token: unknown, maxBytes: number): asserts token is string {
  if (typeof token !== 'string' || token.length === 0) throw invalidToken('empty or missing token');
  if (token.length > maxBytes) throw invalidToken(`token too large: ${token.length} bytes > ${maxBytes}`);
  if (COMPACT_JWS.test(token)) return;
  const parts = token.split('.').length;
  if (parts === 5) throw invalidToken('token is a JWE (5 parts): only signed JWTs are accepted');
  if (parts === 3) throw invalidToken('token is not a JWS: an empty part (unsigned?) or non-base64url characters');
  throw invalidToken(`token is not a JWS: ${parts} part(s) instead of 3`);
}

/**
 * Decodes (without verifying) the `iss` claim of a token whose shape was checked, so the issuer's configuration can
 * be chosen before any key is fetched. Nothing here is trusted yet.
 *
 * @example
 * ```ts
 * const iss = unverifiedIssuer(token);
 * ```
 */
export function unverifiedIssuer(token: string): string {
  let iss: unknown;
  try {
    // The shape was checked: three base64url parts. Only the payload's `iss` is needed here (jose decodes and
    // checks the whole token again when it verifies it).
    const payload: unknown = JSON.parse(Buffer.from(token.slice(token.indexOf('.') + 1, token.lastIndexOf('.')), 'base64url').toString('utf8'));
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw new TypeError('the payload is not a JSON object');
    iss = (payload as { iss?: unknown }).iss;
  } catch (error) {
    throw invalidToken(`malformed token: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  if (typeof iss !== 'string' || iss === '') {
    throw invalidToken(`claim "iss" missing or not a string (got ${quote(iss)})`);
  }
  return iss;
}

/**
 * The `alg` and `kid` of a token whose shape was checked, decoded without verifying, to look up a key already
 * selected for them (`KeySource.keyNow`); undefined when the header does not decode or `alg`/`kid` have the
 * wrong types (jose then reports the problem when it verifies). Nothing here is trusted yet.
 *
 * @example
 * ```ts
 * const header = unverifiedKeyHint(token); // { alg: 'ES256', kid: 'k1' }
 * ```
 */
export function unverifiedKeyHint(token: string): { readonly alg: string; readonly kid: string | undefined } | undefined {
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8'));
    if (header === null || typeof header !== 'object') return undefined;
    const { alg, kid } = header as { alg?: unknown; kid?: unknown };
    if (typeof alg !== 'string' || (kid !== undefined && typeof kid !== 'string')) return undefined;
    return { alg, kid };
  } catch {
    return undefined;
  }
}
