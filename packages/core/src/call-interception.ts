/**
 * The request side of a call as an interceptor's `intercept` sees it: the decoded request message (unary and
 * server-streaming calls) or the stream of request messages (client-streaming and bidi calls).
 */
export type InterceptedRequest =
  | { readonly kind: 'unary'; readonly message: unknown }
  | { readonly kind: 'serverStream'; readonly message: unknown }
  | { readonly kind: 'clientStream'; readonly messages: AsyncIterable<unknown> }
  | { readonly kind: 'bidi'; readonly messages: AsyncIterable<unknown> };

/**
 * The response side: the response message (unary and client-streaming calls) or the stream of response messages
 * (server-streaming and bidi calls), as the handler (or the next interceptor) produced it.
 */
export type InterceptedResponse = { readonly message: unknown } | { readonly messages: AsyncIterable<unknown> | Iterable<unknown> };

/** Runs the rest of the chain (the next interceptor, in the end the handler) with `request`. */
export type CallNext = (request: InterceptedRequest) => Promise<InterceptedResponse>;

/**
 * The messages of `messages`, each passed to `see` first, in order: `see` may check one (throw a RampartError to end
 * the call) or note it; what it returns replaces the message when it is not `undefined`. For an interceptor that
 * checks or counts each request message of a client stream, or each response message of a server stream.
 *
 * @example
 * ```ts
 * const checked = { ...request, messages: eachMessage(request.messages, (m) => { if (!isOwnedBy(m, ctx.principal)) throw deny(); }) };
 * ```
 */
export async function* eachMessage<T>(
  messages: AsyncIterable<T> | Iterable<T>,
  see: (message: T, index: number) => T | undefined | void | Promise<T | undefined | void>,
): AsyncGenerator<T, void, undefined> {
  let index = 0;
  for await (const message of messages) {
    const seen = see(message, index++);
    // Any thenable is awaited (a query builder's, another realm's promise), never passed on as the message.
    const replaced = seen !== null && typeof seen === 'object' && typeof (seen as { then?: unknown }).then === 'function' ? await seen : seen;
    yield replaced === undefined ? message : (replaced as T);
  }
}
