import type { AuthDecision, CallContext, MethodInfo } from '@rampart/core';
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
}

/** One stage's check for one method: throw a RampartError to refuse the call. */
export type StageCheck = (ctx: CallContext, state: AuthCallState) => void | Promise<void>;

/**
 * A stage of the auth pipeline. Stages are classes bound in the container under {@link AUTH_STAGE}; they run in
 * ascending `order`. At start-up each is asked, per method, for its check (`plan`), so a method pays only for the
 * stages it needs. A stage bound later under the same `name` replaces the earlier one.
 *
 * @example
 * ```ts
 * @injectable()
 * class TenantStage implements AuthStage {
 *   readonly name = 'tenant'; readonly order = 550;
 *   plan(req: AuthRequirements) { return req.token ? (ctx) => { ... } : undefined; }
 * }
 * container.bind(AUTH_STAGE).to(TenantStage).inSingletonScope();
 * ```
 */
export interface AuthStage {
  readonly name: string;
  readonly order: number;
  plan(requirements: AuthRequirements): StageCheck | undefined;
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
  // After authorization, so a token refused for its scope or by a policy is not used up.
  oneTimeUse: 550,
} as const;
