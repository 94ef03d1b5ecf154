import {
  RampartError,
  type CallContext,
  type CallNext,
  type InterceptedRequest,
  type InterceptedResponse,
  type MethodInterceptor,
} from '@rampart/core';

/** One interceptor's `intercept`, bound to it. */
export type Intercept = NonNullable<MethodInterceptor['intercept']>;

/**
 * Runs a call through its interceptors' `intercept` chain, in the planned order, with the handler last: the
 * handler gets the request (or request stream) the last interceptor passed on, and its result becomes the response
 * (`message` for unary and client-streaming calls, `messages` for the others). Interceptors that enforce auth
 * decisions come first (see `buildRuntime`). Each `next` runs at most once per
 * interceptor: a second call is a bug in the interceptor (the request stream is read once), refused with INTERNAL.
 */
export function intercepted(
  chain: readonly Intercept[],
  request: InterceptedRequest,
  ctx: CallContext,
  handler: (input: unknown, ctx: CallContext) => unknown,
  where: string,
): Promise<InterceptedResponse> {
  const at = async (index: number, current: InterceptedRequest): Promise<InterceptedResponse> => {
    if (index === chain.length) {
      const input = current.kind === 'unary' || current.kind === 'serverStream' ? messageOf(current, where) : messagesOf(current, where);
      const result = handler(input, ctx);
      return current.kind === 'unary' || current.kind === 'clientStream' ? { message: await result } : { messages: result as AsyncIterable<unknown> };
    }
    let called = false;
    const next: CallNext = (passed) => {
      if (called) return Promise.reject(fault(where, `interceptor ${index + 1} of ${chain.length} called next twice`));
      called = true;
      const inner = at(index + 1, sameKind(passed, request.kind, where));
      // Handled here as well as by whoever awaits it: an interceptor that returns without awaiting `next` (a cached
      // answer, a background refresh) must not turn an inner failure into an unhandled rejection, which would stop
      // the process.
      inner.catch(() => undefined);
      return inner;
    };
    const response = await (chain[index] as Intercept)(current, ctx, next);
    if (response === null || typeof response !== 'object') throw fault(where, `interceptor ${index + 1} of ${chain.length} returned no response`);
    return response;
  };
  return at(0, request);
}

/** The response message of an intercepted unary or client-streaming call (or the request of a unary one). */
export function messageOf(value: unknown, where: string): unknown {
  if (value !== null && typeof value === 'object' && 'message' in value) return value.message;
  throw fault(where, 'an interceptor gave a response (or request) without `message`');
}

/** The messages of an intercepted streaming response (or request stream). */
export function messagesOf(value: unknown, where: string): unknown {
  if (value !== null && typeof value === 'object' && 'messages' in value) return value.messages;
  throw fault(where, 'an interceptor gave a streaming response (or request) without `messages`');
}

/** The request an interceptor passed to `next`, if it is of the call's kind. */
function sameKind(passed: InterceptedRequest, kind: InterceptedRequest['kind'], where: string): InterceptedRequest {
  if (passed === null || typeof passed !== 'object' || passed.kind !== kind) {
    throw fault(where, `an interceptor passed next a request that is not a ${kind} request`);
  }
  return passed;
}

function fault(where: string, what: string): RampartError {
  return new RampartError('ERR_INTERNAL', 'internal error', { reason: `${where}: ${what}` });
}
