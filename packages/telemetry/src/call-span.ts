import { createContextKey } from '@rampart/core';
import type { Span } from '@opentelemetry/api';

/**
 * The call's server span, on `ctx.values`, so interceptors (the auth audit) can add attributes and events to it.
 *
 * @example
 * ```ts
 * ctx.values.get(RPC_SPAN)?.setAttribute('rampart.auth.decision', 'allow');
 * ```
 */
export const RPC_SPAN = createContextKey<Span | undefined>(undefined, { description: 'rampart.rpc.span' });
