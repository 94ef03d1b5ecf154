import { injectable } from 'inversify';
import type { CallContext } from '@rampart/core';
import { PEER_REFUSAL } from '@rampart/core/internal';
import { checkMtls } from '../mtls/check-mtls.js';
import { STAGE_ORDER, type AuthRequirements, type AuthStage, type StageCheck } from './stage.js';

/** Why the transport did not count the certificate that was sent, if it did not (read only without a peer). */
function refusalOf(ctx: CallContext): string | undefined {
  return ctx.peer === undefined ? ctx.values.get(PEER_REFUSAL) : undefined;
}

/** The mTLS rule: every `@RequireMtls` of the method must allow the peer. */
@injectable()
export class MtlsStage implements AuthStage {
  readonly name = 'mtls';
  readonly order = STAGE_ORDER.mtls;
  readonly enforces = ['mtls'] as const;

  plan({ mtls }: AuthRequirements): StageCheck | undefined {
    if (mtls.length === 0) return undefined;
    if (mtls.length === 1) {
      const rule = mtls[0] as (typeof mtls)[number];
      return (ctx) => checkMtls(rule, ctx.peer, refusalOf(ctx));
    }
    return (ctx) => {
      for (const rule of mtls) checkMtls(rule, ctx.peer, refusalOf(ctx));
    };
  }
}
