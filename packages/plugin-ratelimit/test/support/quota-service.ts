import { Authenticated, RequireMtls } from '@rampart/auth';
import { GrpcService, type CallContext } from '@rampart/core';
import { QuotaServiceDescriptor, type PingReply, type PingRequest__Output } from '../generated/index.js';
import { RateLimit } from '../../src/index.js';

/** Every handler run, as `<handler>:<caller>`, so a test can assert that a refused call never reached one. */
export const ran: string[] = [];

const callerOf = (ctx: CallContext): string => ctx.principal?.subject ?? ctx.peer?.spiffeId ?? 'anonymous';

/**
 * The handlers of the test service, one per call kind; the classes below differ only in their limits. Every call
 * needs a workload certificate of the test CA and a token with `quota:use`.
 */
class QuotaHandlers {
  ping(req: PingRequest__Output, ctx: CallContext): Promise<PingReply> {
    ran.push(`ping:${callerOf(ctx)}`);
    return Promise.resolve({ note: req.note, caller: callerOf(ctx) });
  }

  async *watch(req: PingRequest__Output, ctx: CallContext): AsyncIterable<PingReply> {
    ran.push(`watch:${callerOf(ctx)}`);
    yield { note: req.note, caller: callerOf(ctx) };
  }

  async upload(requests: AsyncIterable<PingRequest__Output>, ctx: CallContext): Promise<PingReply> {
    ran.push(`upload:${callerOf(ctx)}`);
    const notes: string[] = [];
    for await (const req of requests) notes.push(req.note);
    return { note: notes.join(','), caller: callerOf(ctx) };
  }

  async *chat(requests: AsyncIterable<PingRequest__Output>, ctx: CallContext): AsyncIterable<PingReply> {
    ran.push(`chat:${callerOf(ctx)}`);
    for await (const req of requests) yield { note: req.note, caller: callerOf(ctx) };
  }
}

/** Three calls at once per principal, then one a second, on every method (each its own budget). */
@GrpcService(QuotaServiceDescriptor)
@RequireMtls()
@Authenticated({ scopes: ['quota:use'] })
@RateLimit({ capacity: 3, refillPerSecond: 1 })
export class QuotaService extends QuotaHandlers {}

/** Limits by the client certificate's SPIFFE ID; `ping` by nothing but config. */
@GrpcService(QuotaServiceDescriptor)
@RequireMtls()
@Authenticated({ scopes: ['quota:use'] })
export class PeerQuotaService extends QuotaHandlers {
  @RateLimit({ capacity: 2, refillPerSecond: 0.5, key: 'peer' })
  override watch(req: PingRequest__Output, ctx: CallContext): AsyncIterable<PingReply> {
    return super.watch(req, ctx);
  }

  @RateLimit({ capacity: 2, refillPerSecond: 0.5, key: 'method' })
  override upload(requests: AsyncIterable<PingRequest__Output>, ctx: CallContext): Promise<PingReply> {
    return super.upload(requests, ctx);
  }

  @RateLimit({ capacity: 2, refillPerSecond: 0.5, key: (ctx) => String(ctx.metadata.get('x-tenant')[0] ?? 'none') })
  override chat(requests: AsyncIterable<PingRequest__Output>, ctx: CallContext): AsyncIterable<PingReply> {
    return super.chat(requests, ctx);
  }
}
