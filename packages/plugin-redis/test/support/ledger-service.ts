import { Authenticated, RequireMtls } from '@rampart/auth';
import { GrpcService, type CallContext } from '@rampart/core';
import type {
  BalanceReply,
  BalanceRequest__Output,
  LedgerServiceHandlers,
  SpendReply,
  SpendRequest__Output,
} from '../generated/index.js';

/** The subjects `spend` ran for, so tests can assert that a refused call never reached it. */
export const spends: string[] = [];

/** The test service: mTLS from any workload of the test CA, a token with `ledger:read`; `spend` is one-time. */
@GrpcService('rampart.redistest.v1.LedgerService')
@RequireMtls()
@Authenticated({ scopes: ['ledger:read'] })
export class LedgerService implements LedgerServiceHandlers {
  balance(req: BalanceRequest__Output, ctx: CallContext): Promise<BalanceReply> {
    const tenant = ctx.metadata.get('x-tenant')[0];
    return Promise.resolve({ account: req.account, subject: ctx.principal?.subject ?? '', tenant: typeof tenant === 'string' ? tenant : '' });
  }

  @Authenticated({ scopes: ['ledger:spend'], oneTimeUse: true })
  spend(req: SpendRequest__Output, ctx: CallContext): Promise<SpendReply> {
    spends.push(ctx.principal?.subject ?? '');
    return Promise.resolve({ spent: req.amount });
  }
}
