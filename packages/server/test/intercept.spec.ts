// Issue 21 item 1: interceptors that wrap the handler. They see the decoded request (or each request message) and
// the response (or each response message), can end the call with a RampartError before the handler runs, change
// what passes, and set response headers and trailers; all four call kinds, through the real handler adapters.
import { eachMessage, RampartError, Status, type CallContext, type Interceptor, type InterceptedRequest } from '@rampart/core';
import { waitFor } from '@rampart/test-support';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RampartApp } from '../src/index.js';
import type { InProcessInvoker } from '../src/internal.js';
import { probe } from './fixtures/echo-service.js';
import { inProcessEchoApp } from './fixtures/harness.js';

const ECHO = '/rampart.test.v1.EchoService';
const seen: string[] = [];
const mode = (ctx: CallContext): string => String(ctx.metadata.get('x-mode')[0] ?? '');
const denied = () => new RampartError('ERR_PERMISSION_DENIED', 'not yours', { reason: 'the guard refused a message' });
const textOf = (message: unknown): string => (message as { text?: string }).text ?? '';

/** Outermost: records what passes through it, both ways. */
const audit: Interceptor = {
  name: 'audit',
  forMethod: () => ({
    async intercept(request, ctx, next) {
      seen.push(`audit:in:${request.kind}`);
      const response = await next(request);
      if ('messages' in response) {
        return { messages: eachMessage(response.messages, (m) => void seen.push(`audit:out:${textOf(m).slice(0, 8)}`)) };
      }
      seen.push(`audit:out:${textOf(response.message)}`);
      if (mode(ctx) === 'headers') ctx.responseTrailers.set('x-audited', 'yes');
      return response;
    },
  }),
};

/** Inner: decides on the request message (or each one), or answers without the handler, as told by `x-mode`. */
const guard: Interceptor = {
  name: 'guard',
  forMethod: (plan) =>
    plan.method.name === 'Ping'
      ? undefined
      : {
          async intercept(request, ctx, next) {
            const how = mode(ctx);
            if (how === 'headers') {
              ctx.responseHeaders.set('x-cache', 'miss');
              ctx.responseTrailers.set('x-rows', '3');
            }
            if (how === 'short') return { message: { text: 'cached', index: 7 } };
            if (how === 'fire-and-forget') {
              // Starts the rest of the chain without awaiting it; the handler then fails (ERR_NOT_FOUND).
              void next(request);
              return { message: { text: 'cached', index: 1 } };
            }
            if (how === 'throw-plain') throw new Error('guard bug: db password hunter2');
            if (how === 'bad-response') return 42 as never;
            if (how === 'wrong-kind') return next({ kind: 'bidi', messages: [] as never });
            if (how === 'next-twice') {
              await next(request);
              return next(request);
            }
            if (how === 'late-header' && 'messages' in request === false) {
              const response = await next(request);
              if (!('messages' in response)) return response;
              return { messages: eachMessage(response.messages, (_m, i) => void (i === 1 && ctx.responseHeaders.set('x-late', 'yes'))) };
            }
            return next(checked(request, how));
          },
        },
};

function checked(request: InterceptedRequest, how: string): InterceptedRequest {
  if (request.kind === 'clientStream' || request.kind === 'bidi') {
    return { ...request, messages: eachMessage(request.messages, (m) => (textOf(m) === 'forbidden' ? Promise.reject(denied()) : undefined)) };
  }
  const message = request.message as { text?: string; from?: number };
  if (message.text === 'forbidden' || message.from === 13) throw denied();
  if (how === 'shout' && message.text !== undefined) return { ...request, message: { ...message, text: `${message.text}!` } };
  return request;
}

let app: RampartApp;
let calls: InProcessInvoker;
beforeAll(async () => {
  ({ app, calls } = await inProcessEchoApp('intercept-test', [audit, guard]));
});
afterAll(() => app.close());
beforeEach(() => {
  probe.reset();
  seen.length = 0;
});
const as = (how: string) => ({ metadata: { 'x-mode': how } });

describe('intercept: interceptors that wrap the handler', () => {
  it('unary: both see the request and the response, in the planned order (first outermost)', async () => {
    const outcome = await calls.invoke(`${ECHO}/Echo`, { text: 'hi' });
    expect(outcome.status).toBe(Status.OK);
    expect(outcome.response).toEqual({ text: 'hi', index: 0 });
    expect(seen).toEqual(['audit:in:unary', 'audit:out:hi']);
    expect(probe.calls).toEqual(['echo']);
  });

  it('unary: a refusal on the request message ends the call with its status before the handler runs', async () => {
    const outcome = await calls.invoke(`${ECHO}/Echo`, { text: 'forbidden' });
    expect(outcome.status).toBe(Status.PERMISSION_DENIED);
    expect(outcome.details).toBe('not yours');
    expect(probe.calls).toEqual([]);
  });

  it('unary: an interceptor can change the request the handler gets', async () => {
    const outcome = await calls.invoke(`${ECHO}/Echo`, { text: 'hi' }, as('shout'));
    expect(outcome.response).toEqual({ text: 'hi!', index: 0 });
  });

  it('unary: an interceptor can answer without the handler', async () => {
    const outcome = await calls.invoke(`${ECHO}/Echo`, { text: 'hi' }, as('short'));
    expect(outcome.response).toEqual({ text: 'cached', index: 7 });
    expect(probe.calls).toEqual([]);
    expect(seen).toEqual(['audit:in:unary', 'audit:out:cached']);
  });

  it('server streaming: a refusal on the request ends the call before the handler; each response message passes the outer interceptor', async () => {
    const refused = await calls.invoke(`${ECHO}/Count`, { from: 13, to: 15, failAfter: -1 });
    expect(refused.status).toBe(Status.PERMISSION_DENIED);
    expect(probe.calls).toEqual([]);
    const outcome = await calls.invoke(`${ECHO}/Count`, { from: 0, to: 3, failAfter: -1 });
    expect(outcome.status).toBe(Status.OK);
    expect(outcome.responses).toHaveLength(3);
    expect(seen.filter((s) => s.startsWith('audit:out'))).toHaveLength(3);
  });

  it('client streaming: each request message is checked; the first refused one ends the call, the handler saw only those before it', async () => {
    const outcome = await calls.invoke(`${ECHO}/Collect`, [{ text: 'a' }, { text: 'forbidden' }, { text: 'c' }]);
    expect(outcome.status).toBe(Status.PERMISSION_DENIED);
    expect(outcome.details).toBe('not yours');
    expect(probe.received).toEqual(['a']);
    const allowed = await calls.invoke(`${ECHO}/Collect`, [{ text: 'a' }, { text: 'b' }]);
    expect(allowed.response).toEqual({ text: 'a,b', index: 2 });
  });

  it('bidi: each request message is checked, each response message seen', async () => {
    const outcome = await calls.invoke(`${ECHO}/Chat`, [{ text: 'a' }, { text: 'b' }]);
    expect(outcome.status).toBe(Status.OK);
    expect(outcome.responses).toEqual([{ text: 'A', index: 0 }, { text: 'B', index: 1 }]);
    expect(seen).toEqual(['audit:in:bidi', 'audit:out:A', 'audit:out:B']);
    const refused = await calls.invoke(`${ECHO}/Chat`, [{ text: 'a' }, { text: 'forbidden' }]);
    expect(refused.status).toBe(Status.PERMISSION_DENIED);
    expect(refused.responses).toEqual([{ text: 'A', index: 0 }]);
  });

  it.each([
    ['unary', 'Echo', { text: 'hi' }],
    ['server streaming', 'Count', { from: 0, to: 2, failAfter: -1 }],
    ['client streaming', 'Collect', [{ text: 'a' }]],
    ['bidi', 'Chat', [{ text: 'a' }]],
  ])('%s: response headers and trailers set by an interceptor reach the client', async (_kind, method, input) => {
    const outcome = await calls.invoke(`${ECHO}/${method}`, input, as('headers'));
    expect(outcome.status).toBe(Status.OK);
    expect(outcome.headers).toEqual({ 'x-cache': ['miss'] });
    expect(outcome.trailers?.['x-rows']).toEqual(['3']);
  });

  it('a refused call still sends the trailers set before the refusal (a rate limit sets its own)', async () => {
    const outcome = await calls.invoke(`${ECHO}/Echo`, { text: 'forbidden' }, as('headers'));
    expect(outcome.status).toBe(Status.PERMISSION_DENIED);
    expect(outcome.headers).toEqual({ 'x-cache': ['miss'] });
    expect(outcome.error?.metadata.get('x-rows')).toEqual(['3']);
  });

  it.each([
    ['throw-plain', 'a plain Error'],
    ['bad-response', 'a response that is not one'],
    ['wrong-kind', 'a request of another call kind passed to next'],
    ['next-twice', 'next called twice'],
  ])('%s (%s) fails the call closed: INTERNAL, nothing but "internal error"', async (how) => {
    const outcome = await calls.invoke(`${ECHO}/Echo`, { text: 'hi' }, as(how));
    expect(outcome.status).toBe(Status.INTERNAL);
    expect(outcome.details).toBe('internal error');
    expect(outcome.error?.metadata.size).toBe(0);
  });

  it('an interceptor that does not await next: the inner failure is not an unhandled rejection (it would stop the process)', async () => {
    const outcome = await calls.invoke(`${ECHO}/Echo`, { text: 'x', fail: 'ERR_NOT_FOUND' }, as('fire-and-forget'));
    expect(outcome.response).toEqual({ text: 'cached', index: 1 });
    await waitFor(() => probe.calls.length === 1, 'the handler to run');
    await new Promise((resolve) => setImmediate(resolve));
  });

  it('the handler never runs when an interceptor fails before calling next', async () => {
    await calls.invoke(`${ECHO}/Echo`, { text: 'hi' }, as('throw-plain'));
    await calls.invoke(`${ECHO}/Echo`, { text: 'hi' }, as('wrong-kind'));
    expect(probe.calls).toEqual([]);
  });

  it('a header set after the headers went out (with the first message) fails the call instead of being lost', async () => {
    const outcome = await calls.invoke(`${ECHO}/Count`, { from: 0, to: 3, failAfter: -1 }, as('late-header'));
    expect(outcome.status).toBe(Status.INTERNAL);
    expect(outcome.responses).toHaveLength(1);
  });

  it('a method whose interceptors have no intercept runs as before (Ping: audit only wraps, guard has no hooks there)', async () => {
    const outcome = await calls.invoke('/rampart.test.v1.PingService/Ping', {});
    expect(outcome.status).toBe(Status.OK);
    expect(seen).toEqual(['audit:in:unary', 'audit:out:']);
  });
});
