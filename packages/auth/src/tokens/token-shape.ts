import { keyHint, type KeyHint } from './key-source.js';
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
 * Decodes (without verifying) the `iss` and `sub` claims of a token whose shape was checked, so the issuer's or trust
 * domain's configuration can be chosen before any key is fetched. Nothing here is trusted yet.
 *
 * @example
 * ```ts
 * const { iss, sub } = unverifiedClaims(token);
 * ```
 */
export function unverifiedClaims(token: string): { readonly iss: unknown; readonly sub: unknown } {
  try {
    // The shape was checked: three base64url parts. Only the payload's `iss` and `sub` are needed here (jose decodes
    // and checks the whole token again when it verifies it).
    const payload: unknown = JSON.parse(Buffer.from(token.slice(token.indexOf('.') + 1, token.lastIndexOf('.')), 'base64url').toString('utf8'));
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) throw new TypeError('the payload is not a JSON object');
    const { iss, sub } = payload as { iss?: unknown; sub?: unknown };
    return { iss, sub };
  } catch (error) {
    throw invalidToken(`malformed token: ${error instanceof Error ? error.message : String(error)}`, error);
  }
}

/**
 * Decodes (without verifying) the `iss` claim of a token whose shape was checked (see {@link unverifiedClaims}).
 *
 * @example
 * ```ts
 * const iss = unverifiedIssuer(token);
 * ```
 */
export function unverifiedIssuer(token: string): string {
  const { iss } = unverifiedClaims(token);
  if (typeof iss !== 'string' || iss === '') {
    throw invalidToken(`claim "iss" missing or not a string (got ${quote(iss)})`);
  }
  return iss;
}

/**
 * The `alg` and `kid` of tokens whose shape was checked, decoded without verifying, to look up a key already selected
 * for them (`KeySource.keyNow`). Tokens from one issuer key share their header, so the hint is kept per header (at
 * most `max`, forgotten all at once when full): a repeated header costs a map lookup instead of a base64url decode
 * and a `JSON.parse`. Undefined when the header does not decode or `alg`/`kid` have the wrong types (jose then
 * reports the problem when it verifies). Nothing here is trusted yet.
 *
 * @example
 * ```ts
 * const hints = new KeyHints();
 * hints.of(token); // { alg: 'ES256', kid: 'k1', id: 'ES256 k1' }
 * ```
 */
export class KeyHints {
  readonly #byHeader = new Map<string, KeyHint>();

  constructor(private readonly max = 64) {}

  of(token: string): KeyHint | undefined {
    const header = token.slice(0, token.indexOf('.'));
    const known = this.#byHeader.get(header);
    if (known !== undefined) return known;
    const hint = decodeHint(header);
    if (hint !== undefined) {
      if (this.#byHeader.size >= this.max) this.#byHeader.clear();
      this.#byHeader.set(header, hint);
    }
    return hint;
  }
}

function decodeHint(header: string): KeyHint | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    if (parsed === null || typeof parsed !== 'object') return undefined;
    const { alg, kid } = parsed as { alg?: unknown; kid?: unknown };
    if (typeof alg !== 'string' || (kid !== undefined && typeof kid !== 'string')) return undefined;
    return keyHint(alg, kid);
  } catch {
    return undefined;
  }
}
