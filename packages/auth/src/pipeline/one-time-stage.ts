import { RampartError } from '@rampart/core';
import { inject, injectable } from 'inversify';
import { AUTH_TOKENS } from './tokens.js';
import type { ReplayStore } from './replay-store.js';
import { STAGE_ORDER, type AuthRequirements, type AuthStage, type StageCheck } from './stage.js';

/** One-time tokens: with `oneTimeUse: true`, a token's `jti` is accepted once within its lifetime. */
@injectable()
export class OneTimeUseStage implements AuthStage {
  readonly name = 'one-time-use';
  readonly order = STAGE_ORDER.oneTimeUse;

  constructor(@inject(AUTH_TOKENS.ReplayStore) private readonly store: ReplayStore) {}

  plan({ token }: AuthRequirements): StageCheck | undefined {
    if (token?.oneTimeUse !== true) return undefined;
    return async (_ctx, state) => {
      const verified = state.token;
      if (verified === undefined) return;
      if (verified.jti === undefined) {
        throw new RampartError('ERR_TOKEN_INVALID', 'invalid token', { reason: 'one-time use requires a jti claim' });
      }
      const first = await this.store.claim(`${verified.principal.issuer}|${verified.jti}`, verified.principal.expiresAt);
      if (!first) {
        throw new RampartError('ERR_TOKEN_REPLAYED', 'invalid token', { reason: `jti ${verified.jti} was already used` });
      }
    };
  }
}
