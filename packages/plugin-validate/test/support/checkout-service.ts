import { GrpcService, Public } from '@rampart/core';
import { fileURLToPath } from 'node:url';
import {
  AuditServiceDescriptor,
  CheckoutServiceDescriptor,
  type AuditEntry__Output,
  type CheckoutReply,
  type CheckoutRequest__Output,
  type Line,
  type Line__Output,
  type PingRequest,
  type PingRequest__Output,
  type WatchRequest__Output,
} from '../generated/index.js';

/** The test protos' root. */
export const protoRoot = fileURLToPath(new URL('../protos', import.meta.url));

/** What the handlers saw, so a test can assert that a refused call never reached one (or which messages did). */
export const seen: { method: string; message: unknown }[] = [];

/** The test service; public, so validation is all that stands between a client and the handlers. */
@GrpcService(CheckoutServiceDescriptor)
@Public()
export class CheckoutService {
  checkout(req: CheckoutRequest__Output): Promise<CheckoutReply> {
    seen.push({ method: 'checkout', message: req });
    return Promise.resolve({ lines: req.lines.length });
  }

  async addLines(requests: AsyncIterable<Line__Output>): Promise<CheckoutReply> {
    let lines = 0;
    for await (const line of requests) {
      seen.push({ method: 'addLines', message: line });
      lines += 1;
    }
    return { lines };
  }

  async *echoLines(requests: AsyncIterable<Line__Output>): AsyncIterable<Line> {
    for await (const line of requests) {
      seen.push({ method: 'echoLines', message: line });
      yield line;
    }
  }

  ping(req: PingRequest__Output): Promise<PingRequest> {
    seen.push({ method: 'ping', message: req });
    return Promise.resolve(req);
  }

  async *watch(req: WatchRequest__Output): AsyncIterable<Line> {
    seen.push({ method: 'watch', message: req });
    for (let i = req.fromIndex; i < req.toIndex; i++) yield { sku: `SKU-${String(i).padStart(3, '0')}`, quantity: 1 };
  }
}

/** A service whose rule cannot be evaluated: every call must fail closed. */
@GrpcService(AuditServiceDescriptor)
@Public()
export class AuditService {
  record(req: AuditEntry__Output): Promise<CheckoutReply> {
    seen.push({ method: 'record', message: req });
    return Promise.resolve({ lines: 0 });
  }
}
