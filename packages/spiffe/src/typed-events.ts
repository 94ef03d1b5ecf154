type Listener = (...args: unknown[]) => void;

/**
 * A small typed event emitter. Unlike node's EventEmitter, an `error` without a listener does not throw, and a
 * listener that throws does not stop the others (a source's events are reports, never control flow).
 *
 * @example
 * ```ts
 * class Source extends TypedEvents<{ update: [number] }> {}
 * const seen: number[] = [];
 * new Source().on('update', (n) => seen.push(n));
 * ```
 */
export class TypedEvents<Events extends { [K in keyof Events]: unknown[] }> {
  readonly #listeners = new Map<keyof Events, Set<Listener>>();

  /** Adds a listener; returns this. */
  on<K extends keyof Events>(event: K, listener: (...args: Events[K]) => void): this {
    let set = this.#listeners.get(event);
    if (set === undefined) this.#listeners.set(event, (set = new Set()));
    set.add(listener as unknown as Listener);
    return this;
  }

  /** Removes a listener; returns this. */
  off<K extends keyof Events>(event: K, listener: (...args: Events[K]) => void): this {
    this.#listeners.get(event)?.delete(listener as unknown as Listener);
    return this;
  }

  /** Adds a listener called once. */
  once<K extends keyof Events>(event: K, listener: (...args: Events[K]) => void): this {
    const wrapped = (...args: Events[K]): void => {
      this.off(event, wrapped);
      listener(...args);
    };
    return this.on(event, wrapped);
  }

  /** Calls every listener of `event`; one that throws goes to `listenerFailed` and the others still run. */
  protected emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) {
      try {
        listener(...(args as unknown[]));
      } catch (error) {
        this.listenerFailed(error);
      }
    }
  }

  /** What happens when a listener throws: nothing by default; sources log it. */
  protected listenerFailed(error: unknown): void {
    void error;
  }
}
