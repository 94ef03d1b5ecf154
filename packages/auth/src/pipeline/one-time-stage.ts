import { RampartError } from '@rampart/core';
import { inject, injectable, optional } from 'inversify';
import type { TokenVerifier } from '../tokens/token-verifier.js';
import { TOKEN_VERIFIER_DEFAULTS } from '../tokens/verifier-settings.js';
import { AUTH_TOKENS } from './tokens.js';
import type { ReplayStore } from './replay-store.js';
import { requireVerifiedToken, STAGE_ORDER, type AuthRequirements, type AuthStage, type StageCheck } from './stage.js';

/**
 * One-time tokens: with `oneTimeUse: true`, a token's `jti` is accepted once within its lifetime. The store keeps
 * the `jti` until the token's `exp` plus the verifier's clock tolerance, the last moment the token is accepted
 * (ADR 0016), so no replay fits between the store forgetting it and the verifier refusing the token. It runs last,
 * so only a call that every other stage allowed uses the token up (ADR 0005); a call that reaches it without a
 * verified token is refused.
 */
@injectable()
export class OneTimeUseStage implements AuthStage {
  readonly name = 'one-time-use';
  readonly order = STAGE_ORDER.oneTimeUse;
  readonly enforces = ['oneTimeUse'] as const;
  readonly needs = ['token'] as const;
  readonly #toleranceMs: number;

  constructor(
    @inject(AUTH_TOKENS.ReplayStore) private readonly store: ReplayStore,
    @inject(AUTH_TOKENS.TokenVerifier) @optional() verifier: TokenVerifier | undefined,
  ) {
    this.#toleranceMs = (verifier?.clockToleranceSec ?? TOKEN_VERIFIER_DEFAULTS.clockToleranceSec) * 1000;
  }

  plan({ token }: AuthRequirements): StageCheck | undefined {
    if (token?.oneTimeUse !== true) return undefined;
    return async (_ctx, state) => {
      const verified = requireVerifiedToken(state, this.name);
      if (verified.jti === undefined) {
        throw new RampartError('ERR_TOKEN_INVALID', 'invalid token', { reason: 'one-time use requires a jti claim' });
      }
      const acceptedUntil = new Date(verified.principal.expiresAt.getTime() + this.#toleranceMs);
      const first = await this.store.claim(`${verified.principal.issuer}|${verified.jti}`, acceptedUntil);
      if (!first) {
        throw new RampartError('ERR_TOKEN_REPLAYED', 'invalid token', { reason: `jti ${verified.jti} was already used` });
      }
    };
  }
}
