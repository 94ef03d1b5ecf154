/** What the in-flight list needs of an entry: its own links, kept by the list. */
export interface InFlightEntry {
  inFlightPrev: InFlightEntry | undefined;
  inFlightNext: InFlightEntry | undefined;
}

/**
 * The calls in flight, as an intrusive doubly-linked list: add and remove in O(1), nothing allocated per call, and
 * a removed entry's links are cleared.
 *
 * Not a `Set`: V8's `Set` and `Map` replace their hash table when deleted entries pile up, and the replaced table
 * keeps a pointer to its successor and its old entries. Under steady add/delete churn, once a major GC has moved
 * a table into the old generation, that dead table keeps its successor and every entry in it alive through the
 * next scavenges, which then promote them, and so on: every call's objects end up promoted and collected by the
 * major GC (docs/benchmarks.md, "Two GC regimes"). A list whose removed entries point nowhere has no such chain.
 *
 * @example
 * ```ts
 * const calls = new InFlightCalls<CallState>();
 * calls.add(state);
 * calls.remove(state);
 * for (const state of calls) state.ctx.abort(reason);
 * ```
 */
export class InFlightCalls<T extends InFlightEntry> implements Iterable<T> {
  #head: InFlightEntry | undefined;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(entry: T): void {
    entry.inFlightPrev = undefined;
    entry.inFlightNext = this.#head;
    if (this.#head !== undefined) this.#head.inFlightPrev = entry;
    this.#head = entry;
    this.#size += 1;
  }

  /** Removes `entry` if it is in the list (a second removal is a no-op). */
  remove(entry: T): void {
    const { inFlightPrev: prev, inFlightNext: next } = entry;
    if (prev === undefined && this.#head !== entry) return;
    if (prev === undefined) this.#head = next;
    else prev.inFlightNext = next;
    if (next !== undefined) next.inFlightPrev = prev;
    entry.inFlightPrev = undefined;
    entry.inFlightNext = undefined;
    this.#size -= 1;
  }

  /** The entries at the time of the call (entries removed meanwhile, e.g. by an abort, do not stop it). */
  *[Symbol.iterator](): Iterator<T> {
    const snapshot: T[] = [];
    for (let entry = this.#head; entry !== undefined; entry = entry.inFlightNext) snapshot.push(entry as T);
    yield* snapshot;
  }
}
