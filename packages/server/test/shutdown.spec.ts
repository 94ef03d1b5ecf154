import { RampartError, Status } from '@rampart/core';
import { rampartErrorOf, waitFor } from '@rampart/test-support';
import { beforeEach, describe, expect, it } from 'vitest';
import { probe } from './fixtures/echo-service.js';
import { startEchoApp } from './fixtures/harness.js';

beforeEach(() => probe.reset());

/** Waits until the echo handler is running, so shutdown begins with a call truly in flight. */
async function handlerStarted(): Promise<void> {
  await waitFor(() => probe.calls.includes('echo'), 'the echo handler to start');
}

describe('graceful shutdown', () => {
  it('lets an in-flight call finish within the grace period', async () => {
    const s = await startEchoApp();
    const pending = s.echo.echo({ text: 'finish me', delayMs: 300 });
    await handlerStarted();
    const closing = s.app.close({ graceMs: 2_000 });
    expect(await pending).toEqual({ text: 'finish me', index: 0 });
    await closing;
    expect(s.app.state).toBe('closed');
  });

  it('cancels calls still running when the grace period ends, and their handlers see the abort', async () => {
    const s = await startEchoApp();
    const pending = s.echo.echo({ text: 'too slow', delayMs: 10_000 });
    await handlerStarted();
    const started = Date.now();
    await s.app.close({ graceMs: 200 });
    expect(Date.now() - started).toBeLessThan(2_000);
    const err = await rampartErrorOf(pending);
    expect(err).toBeInstanceOf(RampartError);
    expect([Status.UNAVAILABLE, Status.CANCELLED, Status.INTERNAL]).toContain(err.status);
    expect(probe.aborts.map((a) => (a.reason as { code: string }).code)).toEqual(['ERR_UNAVAILABLE']);
  });

  it('refuses new calls after shutdown', async () => {
    const s = await startEchoApp();
    await s.app.close({ graceMs: 100 });
    const err = await rampartErrorOf(s.echo.echo({ text: 'late' }, { deadline: 1_000 }));
    expect(err.status).toBe(Status.UNAVAILABLE);
    expect(probe.calls).toEqual([]);
  });

  it('close() is idempotent and listen() cannot be called twice', async () => {
    const s = await startEchoApp();
    await expect(s.app.listen()).rejects.toThrow(/cannot listen/);
    await Promise.all([s.app.close({ graceMs: 100 }), s.app.close({ graceMs: 100 })]);
    expect(s.app.state).toBe('closed');
  });
});
