import { type RampartError } from '@rampart/core';
import { collect, waitFor } from '@rampart/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { probe } from './fixtures/echo-service.js';
import { startEchoApp } from './fixtures/harness.js';

// Issue 18, item 5: on a graceful shutdown every call the server accepted, of all four kinds, completes or ends with a
// status the client sees: none hangs, none ends OK with part of its answer.

afterEach(() => probe.reset());

/** Four calls in flight, one of each kind, each taking about `ms`; settles to what each client saw. */
async function fourCallsInFlight(s: Awaited<ReturnType<typeof startEchoApp>>, ms: number): Promise<() => Promise<string[]>> {
  const step = Math.round(ms / 3);
  const slowly = async function* (n: number) {
    for (let i = 0; i < n; i += 1) {
      await new Promise((r) => setTimeout(r, step)); // a sleep on purpose: a slow sender keeps the call in flight
      yield { text: `m${i}`, fail: '', delayMs: 0 };
    }
  };
  const outcome = (p: Promise<unknown>) => p.then((v) => `OK ${JSON.stringify(v)}`, (e: unknown) => `${(e as RampartError).status}`);
  const indexes = async (it: AsyncIterable<{ index: number }>) => (await collect(it)).map((m) => m.index);
  const calls = [
    outcome(s.echo.echo({ text: 'unary', fail: '', delayMs: ms })),
    outcome(indexes(s.echo.count({ from: 0, to: 3, delayMs: step, failAfter: -1 }))),
    outcome(s.echo.collect(slowly(3)).then((r) => r.index)),
    outcome(indexes(s.echo.chat(slowly(3)))),
  ];
  // Every call has reached its handler (each records its start in the probe): counted, not timed, so a loaded machine
  // cannot close the server before the calls are in flight.
  await waitFor(() => ['echo', 'count', 'collect', 'chat'].every((m) => probe.calls.includes(m)), 'all four calls to reach their handlers', { timeoutMs: 10_000 });
  return () => Promise.all(calls);
}

describe('a graceful shutdown with all four call kinds in flight', () => {
  it('within the grace: every call completes with its whole answer', async () => {
    const s = await startEchoApp();
    const settle = await fourCallsInFlight(s, 600);
    await s.app.close({ drainDelayMs: 0, graceMs: 5_000 });
    expect(await settle()).toEqual(['OK {"text":"unary","index":0}', 'OK [0,1,2]', 'OK 3', 'OK [0,1,2]']);
    await s.close();
  });

  it('past the grace: every call ends with an error status the client sees, none with a partial OK', async () => {
    const s = await startEchoApp();
    const settle = await fourCallsInFlight(s, 6_000);
    const started = Date.now();
    await s.app.close({ drainDelayMs: 0, graceMs: 200 });
    const outcomes = await settle();
    expect(Date.now() - started).toBeLessThan(5_000);
    for (const o of outcomes) expect(o).toMatch(/^(1|13|14)$/); // CANCELLED, INTERNAL or UNAVAILABLE
    await s.close();
  });
});
