import { Authenticated, RequireMtls } from '@rampart/auth';
import { GrpcService, type CallContext } from '@rampart/core';
import {
  LedgerServiceDescriptor,
  type BalanceReply,
  type BalanceRequest__Output,
  type SpendReply,
  type SpendRequest__Output,
} from '../generated/index.js';

/** The subjects `spend` ran for, so tests can assert that a refused call never reached it. */
export const spends: string[] = [];

/** The test service: mTLS from any workload of the test CA, a token with `ledger:read`; `spend` is one-time; `watch` streams. */
@GrpcService(LedgerServiceDescriptor)
@RequireMtls()
@Authenticated({ scopes: ['ledger:read'] })
export class LedgerService {
  balance(req: BalanceRequest__Output, ctx: CallContext): Promise<BalanceReply> {
    const tenant = ctx.metadata.get('x-tenant')[0];
    return Promise.resolve({ account: req.account, subject: ctx.principal?.subject ?? '', tenant: typeof tenant === 'string' ? tenant : '' });
  }

  @Authenticated({ scopes: ['ledger:spend'], oneTimeUse: true })
  spend(req: SpendRequest__Output, ctx: CallContext): Promise<SpendReply> {
    spends.push(ctx.principal?.subject ?? '');
    return Promise.resolve({ spent: req.amount });
  }

  /** A balance every 50 ms until the call ends (at most {@link WATCH_MAX_MESSAGES}, then it finishes with OK). */
  async *watch(req: BalanceRequest__Output, ctx: CallContext): AsyncIterable<BalanceReply> {
    for (let i = 0; i < WATCH_MAX_MESSAGES && !ctx.signal.aborted; i++) {
      yield { account: req.account, subject: ctx.principal?.subject ?? '', tenant: String(i) };
      await new Promise((resolve) => setTimeout(resolve, 50)); // a sleep on purpose: one message every 50 ms
    }
  }
}

/** How many messages a watch sends at most (15 s), so a stream nothing ends finishes with OK within a test. */
export const WATCH_MAX_MESSAGES = 300;
