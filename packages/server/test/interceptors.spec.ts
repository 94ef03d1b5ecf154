import { RampartError, Status, type CallOutcome, type Interceptor } from '@rampart/core';
import { collect, rampartErrorOf, rejectionOf, waitFor } from '@rampart/test-support';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { probe } from './fixtures/echo-service.js';
import { startEchoApp, type Started } from './fixtures/harness.js';

const outcomes: { method: string; outcome: CallOutcome }[] = [];
const order: string[] = [];
const plans: string[] = [];

/** Refuses a call whose `x-deny` metadata is set, after an async pause, like a token check would. */
const gate: Interceptor = {
  name: 'gate',
  forMethod(plan) {
    plans.push(plan.method.path);
    return {
      async onStart(ctx) {
        order.push('gate');
        await new Promise((r) => setTimeout(r, 20)); // a sleep on purpose: an asynchronous check takes time
        const deny = ctx.metadata.get('x-deny')[0];
        if (deny === 'auth') throw new RampartError('ERR_TOKEN_INVALID', 'invalid token', { reason: 'kid unknown' });
        if (deny === 'perm') throw new RampartError('ERR_INSUFFICIENT_SCOPE', 'insufficient scope');
        if (deny === 'boom') throw new Error('interceptor bug');
      },
      onEnd(ctx, outcome) {
        outcomes.push({ method: ctx.method.name, outcome });
      },
    };
  },
};
const second: Interceptor = {
  name: 'second',
  forMethod: (plan) =>
    plan.method.name === 'Ping'
      ? undefined
      : {
          // Synchronous, after the asynchronous gate: it runs once the gate settled, and may still refuse.
          onStart(ctx) {
            order.push('second');
            if (ctx.metadata.get('x-deny')[0] === 'second') throw new RampartError('ERR_INSUFFICIENT_SCOPE', 'insufficient scope');
          },
        },
};

let s: Started;
beforeAll(async () => {
  s = await startEchoApp({ interceptors: [gate, second] });
});
afterAll(() => s.close());
beforeEach(() => {
  probe.reset();
  outcomes.length = 0;
  order.length = 0;
});

const deny = (value: string) => ({ metadata: { 'x-deny': value } });

describe('interceptors', () => {
  it('are planned once per method at start-up, not per call', () => {
    expect(plans.filter((p) => p.endsWith('/Echo'))).toHaveLength(1);
  });

  it('run in order before the handler, and only where they apply', async () => {
    await s.echo.echo({ text: 'a' });
    expect(order).toEqual(['gate', 'second']);
    order.length = 0;
    await s.ping.ping({});
    expect(order).toEqual(['gate']);
  });

  const kinds: [string, (meta: { metadata: Record<string, string> }) => Promise<unknown>][] = [
    ['unary', (o) => s.echo.echo({ text: 'a' }, o)],
    ['server streaming', (o) => collect(s.echo.count({ from: 0, to: 3, failAfter: -1 }, o))],
    ['client streaming', (o) => s.echo.collect([{ text: 'a' }, { text: 'b' }], o)],
    ['bidi', (o) => collect(s.echo.chat([{ text: 'a' }], o))],
  ];

  it.each(kinds)('%s: an UNAUTHENTICATED refusal happens before any handler code runs', async (_kind, call) => {
    const err = await rampartErrorOf(call(deny('auth')));
    expect(err.status).toBe(Status.UNAUTHENTICATED);
    expect(err.message).toBe('invalid token');
    expect(probe.calls).toEqual([]);
    expect(probe.received).toEqual([]);
  });

  it.each(kinds)('%s: a PERMISSION_DENIED refusal happens before any handler code runs', async (_kind, call) => {
    const err = await rampartErrorOf(call(deny('perm')));
    expect(err.status).toBe(Status.PERMISSION_DENIED);
    expect(probe.calls).toEqual([]);
  });

  it.each(kinds)('%s: a synchronous hook after an asynchronous one refuses before any handler code runs', async (_kind, call) => {
    const err = await rampartErrorOf(call(deny('second')));
    expect(err.status).toBe(Status.PERMISSION_DENIED);
    expect(order).toEqual(['gate', 'second']);
    expect(probe.calls).toEqual([]);
    expect(probe.received).toEqual([]);
  });

  it.each(kinds)('%s: allowed calls reach the handler', async (_kind, call) => {
    await call({ metadata: {} });
    expect(probe.calls).toHaveLength(1);
  });

  it('a bug in an interceptor fails closed with INTERNAL and a generic message', async () => {
    const err = await rampartErrorOf(s.echo.echo({ text: 'a' }, deny('boom')));
    expect(err.status).toBe(Status.INTERNAL);
    expect(err.message).toBe('internal error');
    expect(probe.calls).toEqual([]);
  });

  it('onEnd sees the final status and error of every call', async () => {
    await s.echo.echo({ text: 'ok' });
    await rejectionOf(s.echo.echo({ text: 'a' }, deny('perm')));
    await rejectionOf(s.echo.echo({ text: 'a', fail: 'ERR_NOT_FOUND' }));
    await waitFor(() => outcomes.length === 3, 'onEnd of the three calls');
    expect(outcomes.map((o) => [o.outcome.status, o.outcome.error?.code])).toEqual([
      [Status.OK, undefined],
      [Status.PERMISSION_DENIED, 'ERR_INSUFFICIENT_SCOPE'],
      [Status.NOT_FOUND, 'ERR_NOT_FOUND'],
    ]);
  });
});
