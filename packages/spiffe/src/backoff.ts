/**
 * How watches wait before reconnecting: exponential from `initialMs`, times `multiplier` per failed attempt, capped
 * at `maxMs`, each delay moved at random by up to `jitter` (a fraction) either way, so workloads restarted together do
 * not reconnect together. A good response resets it.
 *
 * @example
 * ```ts
 * const backoff: BackoffOptions = { initialMs: 500, maxMs: 30_000, multiplier: 2, jitter: 0.2 };
 * ```
 */
export interface BackoffOptions {
  /** The first delay. Default 1000 ms. */
  readonly initialMs?: number;
  /** The longest delay. Default 30 000 ms (go-spiffe's cap). */
  readonly maxMs?: number;
  /** Growth per attempt. Default 2. */
  readonly multiplier?: number;
  /** Random spread, 0 to 1. Default 0.2 (±20 %). */
  readonly jitter?: number;
}

/** Backoff defaults: 1 s, doubling, at most 30 s, ±20 %. */
export const DEFAULT_BACKOFF: Required<BackoffOptions> = { initialMs: 1000, maxMs: 30_000, multiplier: 2, jitter: 0.2 };

/**
 * One watch's backoff state.
 *
 * @example
 * ```ts
 * const backoff = new Backoff({ initialMs: 100 });
 * setTimeout(reconnect, backoff.next());
 * backoff.reset(); // after a good response
 * ```
 */
export class Backoff {
  readonly #options: Required<BackoffOptions>;
  #attempt = 0;

  /** @throws RangeError for a negative or non-finite delay, a multiplier below 1 or a jitter outside 0..1. */
  constructor(options: BackoffOptions = {}, private readonly random: () => number = Math.random) {
    this.#options = { ...DEFAULT_BACKOFF, ...stripUndefined(options) };
    const { initialMs, maxMs, multiplier, jitter } = this.#options;
    if (!(initialMs >= 0 && Number.isFinite(initialMs))) throw new RangeError('backoff.initialMs must be a finite number from 0');
    if (!(maxMs >= initialMs && Number.isFinite(maxMs))) throw new RangeError('backoff.maxMs must be finite and at least initialMs');
    if (!(multiplier >= 1 && Number.isFinite(multiplier))) throw new RangeError('backoff.multiplier must be at least 1');
    if (!(jitter >= 0 && jitter <= 1)) throw new RangeError('backoff.jitter must be from 0 to 1');
  }

  /** How many delays were handed out since the last reset. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The next delay, in ms. */
  next(): number {
    const { initialMs, maxMs, multiplier, jitter } = this.#options;
    const base = Math.min(maxMs, initialMs * multiplier ** this.#attempt);
    this.#attempt++;
    const spread = base * jitter * (this.random() * 2 - 1);
    return Math.max(0, Math.round(Math.min(maxMs, base + spread)));
  }

  reset(): void {
    this.#attempt = 0;
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
