import type { PeerIdentity, Principal } from './identity.js';
import type { Logger } from './logger.js';
import type { MethodInfo } from './method-info.js';
import type { ResponseMetadata } from './response-metadata.js';

/** A typed key for values carried on a call, with a default for when nothing was set. */
export interface ContextKey<T> {
  readonly id: symbol;
  readonly defaultValue: T;
}

/**
 * Creates a typed context key. Interceptors and plugins use keys to hand values to handlers without widening
 * `CallContext`.
 *
 * @example
 * ```ts
 * export const TENANT = createContextKey<string | undefined>(undefined, { description: 'tenant id' });
 * ctx.values.set(TENANT, 'acme');
 * const tenant = ctx.values.get(TENANT);
 * ```
 */
export function createContextKey<T>(defaultValue: T, options: { description?: string } = {}): ContextKey<T> {
  return { id: Symbol(options.description ?? 'rampart.contextKey'), defaultValue };
}

/** The typed values of one call. */
export interface ContextValues {
  get<T>(key: ContextKey<T>): T;
  set<T>(key: ContextKey<T>, value: T): this;
  has(key: ContextKey<unknown>): boolean;
  delete(key: ContextKey<unknown>): this;
}

/** Creates an empty set of context values. */
export function createContextValues(): ContextValues {
  return new ContextValueMap();
}

/** Context values whose map is made on the first `set`: a call that only reads (defaults) allocates no map. */
class ContextValueMap implements ContextValues {
  #map: Map<symbol, unknown> | undefined;

  get<T>(key: ContextKey<T>): T {
    const map = this.#map;
    return map !== undefined && map.has(key.id) ? (map.get(key.id) as T) : key.defaultValue;
  }

  set<T>(key: ContextKey<T>, value: T): this {
    (this.#map ??= new Map()).set(key.id, value);
    return this;
  }

  has(key: ContextKey<unknown>): boolean {
    return this.#map?.has(key.id) ?? false;
  }

  delete(key: ContextKey<unknown>): this {
    this.#map?.delete(key.id);
    return this;
  }
}

/** A read-only view of the request metadata (gRPC headers). grpc-js's `Metadata` satisfies it. */
export interface IncomingMetadata {
  get(key: string): ReadonlyArray<string | Buffer>;
}

/**
 * Everything a handler knows about its call. The same object is seen by every interceptor of the call and by the
 * handler.
 */
export interface CallContext {
  readonly method: MethodInfo;
  readonly metadata: IncomingMetadata;
  /** When the caller stops waiting, if it set a deadline. */
  readonly deadline: Date | undefined;
  /** Aborted when the call is cancelled by the client, its deadline passes, or the server shuts down. */
  readonly signal: AbortSignal;
  /** A child logger bound to this call (method, request id, and the principal if it is known on first use). */
  readonly logger: Logger;
  /** The caller's `x-request-id`, or a new one. */
  readonly requestId: string;
  /**
   * The verified peer (client certificate) identity, when the transport has one. Read-only: only the auth pipeline
   * can withdraw it (a certificate expired since the handshake), through a `CallIdentityWriter`.
   */
  readonly peer: PeerIdentity | undefined;
  /**
   * The authenticated principal, once a token has been verified. Read-only: set once, by the auth pipeline only
   * (through a `CallIdentityWriter`), before the handler runs.
   */
  readonly principal: Principal | undefined;
  /**
   * The call's bearer token, set once the auth pipeline verified it (signature, issuer, audience, expiry, type and
   * certificate binding) and allowed the call; `undefined` on a call whose token was not verified (a `@Public` or
   * mTLS-only method, or before the pipeline allowed the call). A client call made with `asCaller` exchanges only
   * this token, never the raw `authorization` header, so an unverified (say, stolen and bound) token cannot be
   * laundered through a handler into a fresh one. Read-only, like `principal`.
   */
  readonly verifiedBearer?: string | undefined;
  readonly values: ContextValues;
  /** Response headers to send: they go out with the first response message (or with the status, if none). */
  readonly responseHeaders: ResponseMetadata;
  /** Response trailers to send with the status, also when the call fails (except on a server fault). */
  readonly responseTrailers: ResponseMetadata;
  /** When the call reached the server, on the `performance.now()` clock (for durations); set by the server. */
  readonly startedAt?: number;
}
