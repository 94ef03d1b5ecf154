import { Status } from '@rampart/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLACE_ORDER, PLACE_ORDER_METHOD, validateLoop, validateLoopApps } from '../src/validate-loop.js';

// Times nothing: checks that the loop compares what it says it compares. The validated app really evaluates the
// rules (a malformed order is refused there and accepted by the other), and both answer the loop's request.
describe('the validation loop', () => {
  let apps: Awaited<ReturnType<typeof validateLoopApps>>;
  beforeAll(async () => {
    apps = await validateLoopApps();
  });
  afterAll(() => apps?.close());

  it("runs the rules in the validated app only, and the loop's request passes them", async () => {
    const malformed = { ...PLACE_ORDER, sku: 'red mug' };
    expect((await apps.validated.invoke(PLACE_ORDER_METHOD, malformed)).status).toBe(Status.INVALID_ARGUMENT);
    expect((await apps.plain.invoke(PLACE_ORDER_METHOD, malformed)).status).toBe(Status.OK);
    expect((await apps.validated.invoke(PLACE_ORDER_METHOD, PLACE_ORDER)).status).toBe(Status.OK);
  });

  it('measures both apps in every round', async () => {
    const results = await validateLoop(200, 2);
    for (const list of [results.without, results.with]) {
      expect(list).toHaveLength(2);
      for (const us of list) expect(us).toBeGreaterThan(0);
    }
  }, 30_000);
});
