import type { JSONWebKeySet } from 'jose';
import { RampartError, type Logger } from '@rampart/core';
import { firstUpdate, type FirstUpdateOptions } from './first-update.js';
import type { JwtBundles } from './jwt-bundles.js';
import type { JwtSvid } from './jwt-svid.js';
import { JwtSvidCache } from './jwt-svid-cache.js';
import type { Watch, WatchProblem } from './stream-watch.js';
import { TypedEvents } from './typed-events.js';
import { WorkloadApiClient, type JwtSvidRequest, type ValidatedJwtSvid, type WorkloadApiClientOptions } from './workload-api-client.js';

/**
 * Options of {@link JwtSource.create}.
 *
 * @example
 * ```ts
 * const options: JwtSourceOptions = { refreshBeforeExpiryMs: 30_000 };
 * ```
 */
export interface JwtSourceOptions extends WorkloadApiClientOptions, FirstUpdateOptions {
  /**
   * How long before its `exp` a cached JWT-SVID is fetched anew. Default: half its lifetime (as the SPIRE agent renews
   * its own), so a token handed out is always good for at least half its life.
   */
  readonly refreshBeforeExpiryMs?: number;
  /** Where the source logs stream problems. Default: nowhere (use the `error` event). */
  readonly logger?: Logger;
  /** A client to use instead of one of its own (it is not closed with the source). */
  readonly client?: WorkloadApiClient;
}

/**
 * The events of a {@link JwtSource}: `update` (new JWT bundles) and `error` (a stream problem or a refused response:
 * the last good bundles stay).
 */
export interface JwtSourceEvents {
  /** New JWT bundles, already in use. */
  update: [JwtBundles];
  /** A stream problem or a refused response; the last good bundles stay. */
  error: [RampartError, WatchProblem];
}

/**
 * JWT-SVIDs and JWT bundles from the SPIFFE Workload API (go-spiffe's `JWTSource`): `fetchJwtSvid` caches each
 * (audience set, SPIFFE ID) token until shortly before it expires, and concurrent callers share one request to the
 * agent; the JWT bundles are streamed and kept up to date, reconnecting with backoff.
 *
 * @example
 * ```ts
 * const jwt = await JwtSource.create();
 * const { token } = await jwt.fetchJwtSvid({ audience: ['spiffe://demo.rampart.dev/inventory'] });
 * jwt.bundleFor('demo.rampart.dev'); // the JWK Set that verifies the trust domain's JWT-SVIDs
 * jwt.close();
 * ```
 */
export class JwtSource extends TypedEvents<JwtSourceEvents> {
  readonly #client: WorkloadApiClient;
  readonly #ownsClient: boolean;
  readonly #options: JwtSourceOptions;
  readonly #cache: JwtSvidCache;
  #watch: Watch | undefined;
  #bundles: JwtBundles | undefined;
  #closed = false;

  private constructor(options: JwtSourceOptions) {
    super();
    const refresh = options.refreshBeforeExpiryMs;
    if (refresh !== undefined && !(refresh >= 0 && Number.isFinite(refresh))) {
      throw new RampartError('ERR_CONFIG_INVALID', 'JwtSource: refreshBeforeExpiryMs must be a finite number of milliseconds from 0');
    }
    this.#options = options;
    this.#ownsClient = options.client === undefined;
    this.#client = options.client ?? new WorkloadApiClient(options);
    this.#cache = new JwtSvidCache((svid) => {
      const expiresMs = svid.expiresAt.getTime();
      if (refresh !== undefined) return expiresMs - refresh;
      const issuedMs = svid.issuedAt?.getTime() ?? Date.now();
      return issuedMs + (expiresMs - issuedMs) / 2;
    });
  }

  /**
   * Connects to the Workload API and resolves once the first JWT bundles have arrived.
   *
   * @throws RampartError as {@link X509Source.create} does.
   */
  static async create(options: JwtSourceOptions = {}): Promise<JwtSource> {
    const source = new JwtSource(options);
    try {
      await firstUpdate(subscriber(source), `JWT bundles from the Workload API at ${source.#client.endpoint.address}`, options, () => source.#start());
    } catch (error) {
      source.close();
      throw error;
    }
    return source;
  }

  /**
   * A JWT-SVID for `audience` (and `spiffeId`, when the workload has several identities): from the cache while fresh,
   * otherwise one FetchJWTSVID shared by every concurrent caller.
   *
   * @throws RampartError from the call (`ERR_UNAVAILABLE` when the agent is away) or for a refused token.
   */
  fetchJwtSvid(request: JwtSvidRequest): Promise<JwtSvid> {
    if (this.#closed) return Promise.reject(new RampartError('ERR_APP_STATE', 'the JwtSource is closed'));
    return this.#cache.get(request.audience, request.spiffeId, () => this.#client.fetchJwtSvid(request));
  }

  /** The JWT bundles by trust domain, as last received. */
  bundles(): JwtBundles {
    if (this.#bundles === undefined) throw new RampartError('ERR_APP_STATE', 'the JwtSource has no bundles yet: await JwtSource.create()');
    return this.#bundles;
  }

  /** The JWK Set of one trust domain, or undefined when the Workload API sent none for it. */
  bundleFor(trustDomain: string): JSONWebKeySet | undefined {
    return this.bundles().get(trustDomain);
  }

  /** Asks the agent to validate a JWT-SVID for `audience` (ValidateJWTSVID). */
  validateJwtSvid(token: string, audience: string): Promise<ValidatedJwtSvid> {
    return this.#client.validateJwtSvid(token, audience);
  }

  /** Stops the stream (and the client, unless it was given) and empties the cache. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#watch?.close();
    this.#cache.clear();
    if (this.#ownsClient) this.#client.close();
  }

  /** Logs a listener that threw. */
  protected override listenerFailed(error: unknown): void {
    this.#options.logger?.error({ err: error }, 'a JwtSource event listener threw');
  }

  #start(): void {
    this.#watch = this.#client.watchJwtBundles({
      onUpdate: (bundles) => {
        if (this.#closed) return;
        this.#bundles = bundles;
        this.emit('update', bundles);
      },
      onError: (error, problem) => {
        if (this.#closed) return;
        this.#options.logger?.warn({ err: error, problem }, 'Workload API JWT bundles');
        this.emit('error', error, problem);
      },
    });
  }
}

function subscriber(source: JwtSource): Parameters<typeof firstUpdate>[0] {
  return (onUpdate, onError) => {
    source.on('update', onUpdate).on('error', onError);
    return () => source.off('update', onUpdate).off('error', onError);
  };
}
