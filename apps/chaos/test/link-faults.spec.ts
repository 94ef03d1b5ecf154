import { describe, expect, it } from 'vitest';
import { CLEAN_LINK, parseLinkFaults, releaseAt } from '../src/proxy/link-faults.js';

describe('link faults', () => {
  it('fills in a clean link for what is not given and refuses bad values by name', () => {
    expect(parseLinkFaults({ latencyMs: 50 })).toEqual({ ...CLEAN_LINK, latencyMs: 50 });
    expect(() => parseLinkFaults({ loss: 2 })).toThrow(/loss must be a number in 0..1/);
    expect(() => parseLinkFaults({ latencyMs: -1 })).toThrow(/latencyMs/);
    expect(() => parseLinkFaults({ partitioned: 'yes' })).toThrow(/partitioned must be true or false/);
    expect(() => parseLinkFaults(null)).toThrow(/expected an object/);
  });

  it('delays by latency plus jitter, a lost chunk by one retransmission timeout more, and never overtakes', () => {
    const faults = { ...CLEAN_LINK, latencyMs: 50, jitterMs: 20, loss: 0.5, retransmitMs: 200 };
    // random() is asked for loss first (0.9: not lost), then for jitter (0.5: +10 ms).
    const values = [0.9, 0.5];
    expect(releaseAt(1_000, 0, faults, () => values.shift() ?? 0)).toBe(1_060);
    // lost (0.1 < 0.5), no jitter (0): 50 + 200.
    const lost = [0.1, 0];
    expect(releaseAt(1_000, 0, faults, () => lost.shift() ?? 0)).toBe(1_250);
    // A chunk behind a late one leaves after it, as TCP delivers in order.
    expect(releaseAt(1_010, 1_250, { ...CLEAN_LINK, latencyMs: 50 })).toBe(1_250);
  });
});
