import { propagation, context, trace } from '@opentelemetry/api';
import { Authenticated } from '@rampart/auth';
import { GrpcService, type CallContext } from '@rampart/core';
import { ProbeServiceDescriptor, type WhoAmIReply, type WhoAmIRequest__Output } from '../generated/index.js';

/** Answers with the trace context its handler runs in. */
@GrpcService(ProbeServiceDescriptor)
@Authenticated({ scopes: ['probe:read'] })
export class ProbeService {
  async whoAmI(req: WhoAmIRequest__Output, ctx: CallContext): Promise<WhoAmIReply> {
    if (req.delayMs > 0) await new Promise((r) => setTimeout(r, req.delayMs)); // a slow handler, when the test asks for one
    const span = trace.getActiveSpan()?.spanContext();
    return {
      subject: ctx.principal?.subject ?? '',
      traceId: span?.traceId ?? '',
      spanId: span?.spanId ?? '',
      baggageTenant: propagation.getBaggage(context.active())?.getEntry('tenant')?.value ?? '',
    };
  }
}
