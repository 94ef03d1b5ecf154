import { checkMetadataEntry, type ErrorMetadataValue } from './error-metadata.js';

/**
 * Response headers or trailers a handler or interceptor sets for its call (`ctx.responseHeaders`,
 * `ctx.responseTrailers`). Every entry is checked when it is set: a lower-case key that is not reserved (`grpc-*`,
 * `rampart-error-code`), Buffers under `-bin` keys, printable ASCII text under the others. Headers go out with the
 * first response message (or with the status, when there is none); trailers with the status, also when the call
 * fails. Setting a header once the headers were sent throws, rather than being lost.
 *
 * @example
 * ```ts
 * ctx.responseHeaders.set('x-cache', 'miss');
 * ctx.responseTrailers.append('x-rows-scanned', '1200');
 * ```
 */
export class ResponseMetadata {
  #entries: Map<string, ErrorMetadataValue[]> | undefined = undefined;

  /**
   * @param what - how errors name this metadata (`response header`, `response trailer`).
   * @param closed - asked before every change: a reason when the metadata can no longer change (it was sent).
   */
  constructor(
    private readonly what: string,
    private readonly closed: () => string | undefined = () => undefined,
  ) {}

  /** Sets `key` to `value` (or values), replacing what it had. */
  set(key: string, value: ErrorMetadataValue | readonly ErrorMetadataValue[]): this {
    const values: ErrorMetadataValue[] = typeof value === 'string' || Buffer.isBuffer(value) ? [value] : [...value];
    this.#check(key, values);
    (this.#entries ??= new Map<string, ErrorMetadataValue[]>()).set(key, values);
    return this;
  }

  /** Adds `value` to the values of `key`. */
  append(key: string, value: ErrorMetadataValue): this {
    this.#check(key, [value]);
    const entries = (this.#entries ??= new Map<string, ErrorMetadataValue[]>());
    const values = entries.get(key);
    if (values === undefined) entries.set(key, [value]);
    else values.push(value);
    return this;
  }

  /** Removes `key`. */
  delete(key: string): this {
    const why = this.closed();
    if (why !== undefined) throw new TypeError(`${this.what} ${JSON.stringify(key.slice(0, 80))} cannot change: ${why}`);
    this.#entries?.delete(key);
    return this;
  }

  /** Every value of `key`, or an empty array. */
  get(key: string): readonly ErrorMetadataValue[] {
    const values = this.#entries?.get(key);
    return values === undefined ? [] : Object.freeze([...values]);
  }

  /** The number of keys. */
  get size(): number {
    return this.#entries?.size ?? 0;
  }

  /** Each key with its values, in the order the keys were first set. */
  *entries(): IterableIterator<[string, readonly ErrorMetadataValue[]]> {
    if (this.#entries === undefined) return;
    for (const [key, values] of this.#entries) yield [key, Object.freeze([...values])];
  }

  #check(key: string, values: readonly ErrorMetadataValue[]): void {
    const why = this.closed();
    if (why !== undefined) throw new TypeError(`${this.what} ${JSON.stringify(key.slice(0, 80))} cannot change: ${why}`);
    checkMetadataEntry(key, values, this.what);
  }
}
