import { requireVerifiedToken, type AuthRequirements, type AuthStage, type StageCheck } from '@rampart/auth/stages';
import { RampartError } from '@rampart/core';
import { inject, injectable } from 'inversify';
import type { OpenStreams } from './open-streams.js';
import type { RedisRevocationList, RevocationKind } from './revocation-list.js';
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
 * Redis unable to answer → UNAVAILABLE (fails closed); no verified token → UNAUTHENTICATED (fails closed). It runs
 * before one-time use, so a revoked one-time token is not used up. A stream is watched for as long as it is open
 * (registered before the check, so no revocation falls between them): a later revocation of its token, subject or
 * client ends it with UNAUTHENTICATED (ADR 0015).
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
  readonly needs = ['token'] as const;

  constructor(
    @inject(REDIS_TOKENS.RevocationList) private readonly list: RedisRevocationList,
    @inject(REDIS_TOKENS.OpenStreams) private readonly streams: OpenStreams,
  ) {}

  plan({ token }: AuthRequirements): StageCheck | undefined {
    if (token === undefined) return undefined;
    return async (_ctx, state) => {
      const verified = requireVerifiedToken(state, this.name);
      const ids = { jti: verified.jti, sub: verified.principal.subject, clientId: verified.principal.clientId };
      const stream = state.stream;
      if (stream !== undefined) stream.onEnd(this.streams.watch(ids, (kind) => stream.end(revokedError(kind, true))));
      const revoked = await this.list.check(ids);
      if (revoked !== undefined) throw revokedError(revoked, false);
    };
  }
}

function revokedError(kind: RevocationKind, duringStream: boolean): RampartError {
  const by = kind === 'clientId' ? 'client id' : kind;
  return new RampartError('ERR_TOKEN_REVOKED', 'invalid token', {
    reason: duringStream ? `token revoked by ${by} during the stream` : `token revoked by ${by}`,
  });
}
