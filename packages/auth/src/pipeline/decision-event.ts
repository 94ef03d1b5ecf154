import type { CallContext, RampartError } from '@rampart/core';
import type { AuthDecisionEvent } from './auditor.js';

/** The audit event of one decision on a call: allowed (no error) or denied by `error`. */
export function decisionEvent(method: string, ctx: CallContext, started: number, error: RampartError | undefined): AuthDecisionEvent {
  return {
    method,
    decision: error === undefined ? 'allow' : 'deny',
    reason: error === undefined ? 'ok' : error.code,
    detail: error?.reason ?? error?.message,
    status: error === undefined ? 0 : error.status,
    subject: ctx.principal?.subject,
    clientId: ctx.principal?.clientId,
    actors: ctx.principal?.actors ?? [],
    peer: ctx.peer?.spiffeId,
    durationMs: Math.round((performance.now() - started) * 1000) / 1000,
  };
}
