/**
 * What a link does to the bytes that cross it. `tc netem` is not in this kernel, so a userspace TCP proxy plays
 * the network: TCP never loses bytes, so a lost packet shows to the application as a chunk that arrives late, by
 * about one retransmission timeout (Linux's minimum RTO is 200 ms), with every later chunk of that direction behind
 * it. That is what `loss` does.
 */
export interface LinkFaults {
  /** Added to every chunk, each direction (ms). */
  readonly latencyMs: number;
  /** Up to this much more, uniformly (ms). */
  readonly jitterMs: number;
  /** Probability (0..1) that a chunk is held one retransmission timeout longer, as a lost segment is. */
  readonly loss: number;
  /** The retransmission timeout a lost chunk waits (ms). */
  readonly retransmitMs: number;
  /** A partition: nothing crosses, in either direction, and new connections get no answer (no RST): they hang. */
  readonly partitioned: boolean;
}

/** A clean link. */
export const CLEAN_LINK: LinkFaults = { latencyMs: 0, jitterMs: 0, loss: 0, retransmitMs: 200, partitioned: false };

/** Checks a fault description from the control channel; throws with the field at fault. */
export function parseLinkFaults(input: unknown): LinkFaults {
  if (typeof input !== 'object' || input === null) throw new TypeError('link faults: expected an object');
  const o = input as Record<string, unknown>;
  const num = (key: keyof LinkFaults, max: number): number => {
    const v = o[key] ?? CLEAN_LINK[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > max) throw new RangeError(`link faults: ${key} must be a number in 0..${max}`);
    return v;
  };
  const partitioned = o.partitioned ?? false;
  if (typeof partitioned !== 'boolean') throw new TypeError('link faults: partitioned must be true or false');
  return { latencyMs: num('latencyMs', 60_000), jitterMs: num('jitterMs', 60_000), loss: num('loss', 1), retransmitMs: num('retransmitMs', 60_000), partitioned };
}

/** When a chunk that arrives at `now` may leave: after its delay, and never before the chunk ahead of it (TCP keeps order). */
export function releaseAt(now: number, previous: number, faults: LinkFaults, random: () => number = Math.random): number {
  const lost = faults.loss > 0 && random() < faults.loss ? faults.retransmitMs : 0;
  const delay = faults.latencyMs + (faults.jitterMs > 0 ? random() * faults.jitterMs : 0) + lost;
  return Math.max(now + delay, previous);
}
