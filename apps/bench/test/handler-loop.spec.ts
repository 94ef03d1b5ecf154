import { describe, expect, it } from 'vitest';
import { BARE, handlerLoop } from '../src/handler-loop.js';

// Times nothing: checks that the loop's call objects still satisfy Rampart's real handlers (a call that Rampart
// refused or failed would reject) and that every handler is measured in every round.
describe('the handler loop', () => {
  it('runs the bare handler and both Rampart apps\' handlers, every call allowed', async () => {
    const results = await handlerLoop(300, 2);
    expect([...results.keys()]).toEqual([BARE, 'Rampart @RequireMtls', 'Rampart mTLS+JWT (warm)']);
    for (const list of results.values()) {
      expect(list).toHaveLength(2);
      for (const us of list) expect(us).toBeGreaterThan(0);
    }
  }, 30_000);
});
