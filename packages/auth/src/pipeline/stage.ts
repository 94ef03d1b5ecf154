import { RampartError, type AuthDecision, type CallContext, type CallIdentityWriter, type MethodInfo } from '@rampart/core';
import type { AuthenticatedOptions } from '../decorators/authenticated.js';
import type { PolicyClass } from '../decorators/authorize.js';
import type { MtlsRule } from '../mtls/mtls-rule.js';
import type { VerifiedToken } from '../tokens/token-types.js';

/** What one method requires, gathered at start-up from its auth decisions. */
export interface AuthRequirements {
  readonly method: MethodInfo;
  readonly decisions: readonly AuthDecision[];
  /** Every `@RequireMtls` rule of the method (all must pass). */
  readonly mtls: readonly MtlsRule[];
  /** `@Authenticated` options, when the method requires a token. */
  readonly token: AuthenticatedOptions | undefined;
  readonly policies: readonly PolicyClass[];
}

/** What the stages of one call hand each other. */
export interface AuthCallState {
  /** The verified token, once the token stage ran. */
  token: VerifiedToken | undefined;
  /**
   * The compact JWS the token stage verified (without the `Bearer` scheme). Once every stage passed, the pipeline
   * puts it on `ctx.verifiedBearer`, the only token `asCaller` exchanges.
   */
  bearer?: string | undefined;
  /**
   * On a streaming call (server, client or bidi streaming), what a stage uses to end the stream later, once it was
   * allowed: the Redis plugin's revocation stage ends streams whose token is revoked. `undefined` on unary calls.
   */
  readonly stream?: StreamControl | undefined;
}

/**
 * Ends an allowed stream later. The auth pipeline itself ends every stream at its token's `exp` (plus
 * `auth.streamExpiryGraceMs`) and at its client certificate's `notAfter`; a stage adds its own reasons.
 *
 * @example
 * ```ts
 * const release = watcher.add(ids, () => state.stream?.end(new RampartError('ERR_TOKEN_REVOKED', 'invalid token')));
 * state.stream?.onEnd(release);
 * ```
 */
export interface StreamControl {
  /** Ends the stream now (if it has not ended) with `error`'s status and short message; audited as a deny. */
  end(error: RampartError): void;
  /** Runs `release` once when the call ends, however it ends (refused, finished, ended, cancelled). */
  onEnd(release: () => void): void;
}

/**
 * The requirements a method's decorators can make, each of which some stage must enforce (see
 * {@link AuthStage.enforces}): `mtls` (`@RequireMtls`), `token` (`@Authenticated`: a verified bearer token),
 * `binding` (every `@Authenticated` method: a token bound to a certificate is accepted only from it), `scopes`
 * (`scopes` / `anyScopes`), `policy` (`@Authorize`), `oneTimeUse`.
 *
 * @example
 * ```ts
 * const kinds: AuthRequirementKind[] = ['token', 'binding', 'scopes']; // @Authenticated({ scopes: ['a'] })
 * ```
 */
export type AuthRequirementKind = 'mtls' | 'token' | 'binding' | 'scopes' | 'policy' | 'oneTimeUse';

/** One stage's check for one method: throw a RampartError to refuse the call. */
export type StageCheck = (ctx: CallContext, state: AuthCallState) => void | Promise<void>;

/**
 * A stage of the auth pipeline. Stages are classes bound in the container under {@link AUTH_STAGE}; they run in
 * ascending `order`. At start-up each is asked, per method, for its check (`plan`), so a method pays only for the
 * stages it needs. A stage bound later under the same `name` replaces the earlier one.
 *
 * Start-up checks that every requirement of every method is enforced: for each {@link AuthRequirementKind} the
 * method has, some stage that lists it in `enforces` must return a check for the method, and every stage listed
 * in a check's `needs` must come from an earlier stage; otherwise the app does not start (`ERR_UNENFORCED_DECISION`,
 * naming the method, the requirement and the fix). So removing or replacing a built-in stage cannot silently
 * leave `@Authenticated` (or a scope, a policy, one-time use, the mTLS rule) unenforced.
 *
 * @example
 * ```ts
 * @injectable()
 * class TenantStage implements AuthStage {
 *   readonly name = 'tenant'; readonly order = 520; readonly needs = ['token'] as const;
 *   plan(req: AuthRequirements) { return req.token ? (ctx) => { ... } : undefined; }
 * }
 * container.bind(AUTH_STAGE).to(TenantStage).inSingletonScope();
 * ```
 */
export interface AuthStage {
  readonly name: string;
  readonly order: number;
  /** The requirements this stage enforces for a method it returns a check for (a replacement must list them too). */
  readonly enforces?: readonly AuthRequirementKind[];
  /** Requirements an earlier stage must enforce for this stage's check to mean anything (e.g. `token`). */
  readonly needs?: readonly AuthRequirementKind[];
  /**
   * The check for one method, or `undefined` when the stage has nothing to do there. The check refuses by throwing
   * (or rejecting); it returns nothing or a promise of nothing (any thenable is awaited; any other value refuses
   * the call with INTERNAL). `identity` is the only way to change who the call is (`ctx.principal` and `ctx.peer`
   * are read-only): the token stage authenticates the principal with it, the peer-identity stage withdraws an
   * expired peer.
   */
  plan(requirements: AuthRequirements, identity: CallIdentityWriter): StageCheck | undefined;
}

/** Multi-injection token of the pipeline's stages. */
export const AUTH_STAGE = Symbol.for('rampart.auth.Stage');

/** Multi-injection token of stage names to leave out (bind a string to remove a built-in stage). */
export const AUTH_STAGE_REMOVED = Symbol.for('rampart.auth.StageRemoved');

/** The built-in stages, in order. */
export const STAGE_ORDER = {
  peerIdentity: 100,
  mtls: 200,
  token: 300,
  binding: 400,
  authorization: 500,
  // Last, so a token refused for any other reason (scope, policy, revocation) is not used up (ADR 0005).
  oneTimeUse: 550,
} as const;

/**
 * The verified token of the call, for a stage that needs one: refuses the call (UNAUTHENTICATED, fails closed)
 * when no earlier stage verified a token, e.g. because a replacement of the `token` stage accepted the call
 * without setting `state.token`. A stage that reads the token must never treat "no token" as "nothing to check".
 *
 * @throws RampartError `ERR_UNAUTHENTICATED` when `state.token` is not set.
 *
 * @example
 * ```ts
 * return async (_ctx, state) => {
 *   const token = requireVerifiedToken(state, this.name);
 *   if (await revoked(token.jti)) throw new RampartError('ERR_TOKEN_REVOKED', 'invalid token');
 * };
 * ```
 */
export function requireVerifiedToken(state: AuthCallState, stage: string): VerifiedToken {
  const token = state.token;
  if (token !== undefined) return token;
  throw new RampartError('ERR_UNAUTHENTICATED', 'unauthenticated', {
    reason: `stage "${stage}" needs the token verified by the token stage, and no stage before it verified one (state.token is not set)`,
  });
}
