import type { Order } from './generated/index.js';

/** How many idempotency keys orders remembers; the oldest is forgotten first. */
const MAX_KEYS = 10_000;

/**
 * The orders placed per (caller, idempotency key): a request with a key already seen from the same caller gets the
 * first request's order, also while that request is still running (it waits for it). A failed request forgets its
 * key, so it can be sent again. Bounded: the oldest keys go first.
 */
export class IdempotencyKeys {
  readonly #placed = new Map<string, Promise<Order>>();

  /** The order for `key` of `caller`: the one placed before, or what `place` gives (once, however many ask at once). */
  async once(caller: string, key: string, place: () => Promise<Order>): Promise<Order> {
    const id = `${caller.length}:${caller}|${key}`;
    const known = this.#placed.get(id);
    if (known !== undefined) return known;
    const placing = place();
    this.#placed.set(id, placing);
    if (this.#placed.size > MAX_KEYS) this.#placed.delete(this.#placed.keys().next().value as string);
    try {
      return await placing;
    } catch (error) {
      if (this.#placed.get(id) === placing) this.#placed.delete(id);
      throw error;
    }
  }

  get size(): number {
    return this.#placed.size;
  }
}
