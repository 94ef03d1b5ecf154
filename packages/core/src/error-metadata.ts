/** One metadata value: text for ordinary keys, bytes for keys ending in `-bin` (the gRPC rule). */
export type ErrorMetadataValue = string | Buffer;

/** Metadata given to a {@link RampartError}: a key's value or values. */
export type ErrorMetadataInit = Readonly<Record<string, ErrorMetadataValue | readonly ErrorMetadataValue[]>>;

/** The trailer that carries a `RampartError`'s code to Rampart clients. */
export const ERROR_CODE_TRAILER = 'rampart-error-code';

const KEY = /^[0-9a-z_.-]+$/;
/** Headers only the transport may send: connection-specific HTTP/2 headers and gRPC's own. */
const TRANSPORT_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'http2-settings',
  'host',
  'content-type',
  'content-length',
  'user-agent',
]);
// Printable ASCII, as the gRPC spec allows for non-binary values (grpc-js refuses anything else when sending).
const TEXT_VALUE = /^[\x20-\x7e]*$/;

/**
 * The response metadata (trailers) of an error: what a server sends with it, or what a client received with it.
 * Keys are lower case; `get` returns every value of a key, like grpc-js's `Metadata.get`.
 *
 * @example
 * ```ts
 * throw new RampartError('ERR_RESOURCE_EXHAUSTED', 'slow down', { metadata: { 'retry-after-ms': '250' } });
 * // a client
 * error.metadata.get('retry-after-ms'); // ['250']
 * ```
 */
export class ErrorMetadata {
  static readonly EMPTY = new ErrorMetadata(new Map());

  readonly #entries: ReadonlyMap<string, readonly ErrorMetadataValue[]>;

  private constructor(entries: ReadonlyMap<string, readonly ErrorMetadataValue[]>) {
    this.#entries = entries;
  }

  /**
   * Metadata a server will send: every key and value is checked here, where the mistake is made, rather than when
   * grpc-js refuses it on the wire.
   *
   * @throws TypeError for a key that is not lower-case gRPC metadata, a reserved key (`grpc-*`, the error code
   *   trailer), bytes under a key without `-bin` or text under one with it, or text outside printable ASCII.
   */
  static of(init: ErrorMetadataInit | ErrorMetadata | undefined): ErrorMetadata {
    if (init === undefined) return ErrorMetadata.EMPTY;
    if (init instanceof ErrorMetadata) return init;
    const entries = new Map<string, readonly ErrorMetadataValue[]>();
    for (const [key, raw] of Object.entries(init)) {
      const values = (Array.isArray(raw) ? raw : [raw]) as readonly ErrorMetadataValue[];
      checkEntry(key, values);
      entries.set(key, Object.freeze([...values]));
    }
    return entries.size === 0 ? ErrorMetadata.EMPTY : new ErrorMetadata(entries);
  }

  /** Metadata as a client received it, taken as is (a grpc-js `Metadata`'s `getMap()`-like entries). */
  static received(entries: Iterable<readonly [string, readonly ErrorMetadataValue[]]>): ErrorMetadata {
    const map = new Map<string, readonly ErrorMetadataValue[]>();
    for (const [key, values] of entries) map.set(key.toLowerCase(), Object.freeze([...values]));
    return map.size === 0 ? ErrorMetadata.EMPTY : new ErrorMetadata(map);
  }

  /**
   * The entries a server may send: those `of` would accept. Reserved keys (`grpc-*`, the error code trailer) and
   * values gRPC could not send are left out, so metadata taken from a received error (`e.metadata`) never forges
   * a status or a code, nor forwards another service's details.
   */
  *sendable(): IterableIterator<[string, readonly ErrorMetadataValue[]]> {
    for (const [key, values] of this.#entries) {
      try {
        checkEntry(key, values);
      } catch {
        continue;
      }
      yield [key, values];
    }
  }

  /** Every value of `key` (lower case), or an empty array. */
  get(key: string): readonly ErrorMetadataValue[] {
    return this.#entries.get(key) ?? [];
  }

  /** The keys, in the order they were given. */
  keys(): string[] {
    return [...this.#entries.keys()];
  }

  /** The number of keys. */
  get size(): number {
    return this.#entries.size;
  }

  /** Each key with its values. */
  entries(): IterableIterator<[string, readonly ErrorMetadataValue[]]> {
    return this.#entries.entries();
  }
}

function checkEntry(key: string, values: readonly ErrorMetadataValue[]): void {
  checkMetadataEntry(key, values, 'error metadata');
}

/**
 * Checks one entry of metadata a server will send (error trailers, response headers and trailers): a lower-case
 * gRPC key that is not reserved (`grpc-*`, the error code trailer), Buffers under `-bin` keys, printable ASCII text
 * under the others. `what` names the metadata in the TypeError.
 */
export function checkMetadataEntry(key: string, values: readonly ErrorMetadataValue[], what: string): void {
  const shown = JSON.stringify(key.slice(0, 80));
  if (!KEY.test(key)) throw new TypeError(`${what} key ${shown}: use lower-case letters, digits, "-", "_" and "."`);
  if (key.startsWith('grpc-') || key === ERROR_CODE_TRAILER) {
    throw new TypeError(`${what} key ${shown} is reserved; the status, message, code and details have fields of their own`);
  }
  if (TRANSPORT_HEADERS.has(key)) {
    throw new TypeError(`${what} key ${shown} is an HTTP/2 or gRPC transport header: the transport sets it (Node refuses some of them and stops the process)`);
  }
  const binary = key.endsWith('-bin');
  for (const value of values) {
    if (binary && !Buffer.isBuffer(value)) throw new TypeError(`${what} key ${shown} ends in -bin: its values must be Buffers`);
    if (!binary && (typeof value !== 'string' || !TEXT_VALUE.test(value))) {
      throw new TypeError(`${what} key ${shown}: values must be printable ASCII text (binary values need a key ending in -bin)`);
    }
  }
}
