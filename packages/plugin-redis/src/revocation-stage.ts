import { type AuthRequirements, type AuthStage, type StageCheck } from '@rampart/auth';
import { RampartError } from '@rampart/core';
import { inject, injectable } from 'inversify';
import type { RedisRevocationList } from './revocation-list.js';
import { REDIS_TOKENS } from './tokens.js';

/**
 * Where the revocation stage runs: after certificate binding (400), before authorization (500) and one-time use (550).
 *
 * @example
 * ```ts
 * STAGE_ORDER.binding < REVOCATION_STAGE_ORDER && REVOCATION_STAGE_ORDER < STAGE_ORDER.oneTimeUse; // true
 * ```
 */
export const REVOCATION_STAGE_ORDER = 420;

/**
 * The `revocation` stage of the auth pipeline: every method that takes a token checks the token's `jti`, `sub`
 * and client id against the {@link RedisRevocationList}. A revoked token → UNAUTHENTICATED (`ERR_TOKEN_REVOKED`);
 * Redis unable to answer → UNAVAILABLE (fails closed). It runs before one-time use, so a revoked one-time token is
 * not used up.
 *
 * @example
 * ```ts
 * container.bind(AUTH_STAGE).to(RevocationStage).inSingletonScope();
 * ```
 */
@injectable()
export class RevocationStage implements AuthStage {
  readonly name = 'revocation';
  readonly order = REVOCATION_STAGE_ORDER;

  constructor(@inject(REDIS_TOKENS.RevocationList) private readonly list: RedisRevocationList) {}

  plan({ token }: AuthRequirements): StageCheck | undefined {
    if (token === undefined) return undefined;
    return async (_ctx, state) => {
      const verified = state.token;
      if (verified === undefined) return;
      const revoked = await this.list.check({
        jti: verified.jti,
        sub: verified.principal.subject,
        clientId: verified.principal.clientId,
      });
      if (revoked !== undefined) {
        throw new RampartError('ERR_TOKEN_REVOKED', 'invalid token', {
          reason: `token revoked by ${revoked === 'clientId' ? 'client id' : revoked}`,
        });
      }
    };
  }
}

