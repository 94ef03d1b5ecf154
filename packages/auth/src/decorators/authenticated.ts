import { authDecisionDecorator, type DecisionDecorator } from '@rampart/core';

/** The decision kind `@Authenticated` records. */
export const TOKEN_DECISION = 'token';

/** What `@Authenticated` asks of a call's bearer token. */
export interface AuthenticatedOptions {
  /** Every one of these scopes is required (PERMISSION_DENIED otherwise). */
  readonly scopes?: readonly string[];
  /** At least one of these scopes is required. */
  readonly anyScopes?: readonly string[];
  /** The audience the token must name; default: `auth.tokens.audience`. */
  readonly audience?: string | readonly string[];
  /** Accept tokens only from these issuers (they must also be configured). */
  readonly issuer?: string | readonly string[];
  /**
   * Refuse tokens that are not bound to the caller's certificate (RFC 8705 `cnf["x5t#S256"]`). A token that *is*
   * bound is always checked against the certificate, whatever this says.
   */
  readonly boundToCertificate?: boolean;
  /** Refuse a second use of the same token (`jti`) within its lifetime; the token must carry a `jti`. */
  readonly oneTimeUse?: boolean;
}

/**
 * Requires a valid bearer token (`authorization: Bearer …`) from a trusted issuer on every call of the class or
 * method. On a method it replaces its own class's `@Authenticated`. Combine with `@RequireMtls` to require both.
 * Decisions add up along the inheritance chain (a base class's decorators apply to a subclass and its overrides):
 * a method takes one `@Authenticated`, so two that apply to it, on one class or on a base class and a subclass,
 * stop start-up (`ERR_AUTH_CONFLICT`). See docs/security/decisions.md.
 *
 * @example
 * ```ts
 * @Authenticated({ scopes: ['inventory:reserve'], boundToCertificate: true })
 * async reserve(req: ReserveRequest__Output, ctx: CallContext) { ... }
 * ```
 */
export function Authenticated(options: AuthenticatedOptions = {}): DecisionDecorator {
  for (const [key, list] of [
    ['scopes', options.scopes],
    ['anyScopes', options.anyScopes],
  ] as const) {
    if (list?.some((s) => typeof s !== 'string' || s === '' || /\s/.test(s))) {
      throw new TypeError(`@Authenticated: ${key} must be non-empty scope names without spaces`);
    }
  }
  if (options.anyScopes !== undefined && options.anyScopes.length === 0) {
    throw new TypeError('@Authenticated: anyScopes is empty, so no token could ever pass: list at least one scope');
  }
  return authDecisionDecorator({ kind: TOKEN_DECISION, options: Object.freeze({ ...options }) });
}
