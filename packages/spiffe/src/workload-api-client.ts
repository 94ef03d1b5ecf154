import {
  credentials,
  loadPackageDefinition,
  Metadata,
  type ChannelOptions,
  type Client,
  type ClientReadableStream,
  type ServiceClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { RampartError } from '@rampart/core';
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { resolveEndpoint, type WorkloadEndpoint } from './endpoint-address.js';
import { parseJwtBundles, type JwtBundles, type JwtBundlesResponseMessage } from './jwt-bundles.js';
import { parseJwtSvid, type JwtSvid, type JwtSvidMessage } from './jwt-svid.js';
import { callError, watchStream, type Watch, type WatchListener } from './stream-watch.js';
import { structToJson, type StructMessage } from './struct-json.js';
import {
  parseX509Bundles,
  parseX509Context,
  type X509Bundles,
  type X509BundlesResponseMessage,
  type X509Context,
  type X509SvidResponseMessage,
} from './x509-context.js';
import { WORKLOAD_API_SERVICE, WORKLOAD_HEADER, workloadPackage } from './workload-proto.js';

/** How long a unary call or a first stream message may take by default. */
const DEFAULT_CALL_TIMEOUT_MS = 10_000;

/**
 * Options of {@link WorkloadApiClient} (and of the sources, which create one).
 *
 * @example
 * ```ts
 * const options: WorkloadApiClientOptions = { address: 'unix:///run/spire/agent-sockets/api.sock' };
 * ```
 */
export interface WorkloadApiClientOptions {
  /** The agent's address (`unix:///path`, `unix:@abstract`, `tcp://IP:port`). Default: `SPIFFE_ENDPOINT_SOCKET`. */
  readonly address?: string;
  /** Where `SPIFFE_ENDPOINT_SOCKET` is read. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** How watches reconnect. Default: 1 s doubling to 30 s, ±20 %. */
  readonly backoff?: BackoffOptions;
  /** Deadline of a unary call and of a fetch's first message. Default 10 000 ms. */
  readonly callTimeoutMs?: number;
}

/**
 * A JWT-SVID request: the audiences the token is for (at least one) and, optionally, which of the workload's
 * identities to mint it for.
 *
 * @example
 * ```ts
 * const request: JwtSvidRequest = { audience: ['spiffe://demo.rampart.dev/inventory'] };
 * ```
 */
export interface JwtSvidRequest {
  readonly audience: readonly string[];
  readonly spiffeId?: string;
}

/**
 * What ValidateJWTSVID answers for a valid token.
 *
 * @example
 * ```ts
 * const { spiffeId, claims }: ValidatedJwtSvid = await client.validateJwtSvid(token, 'spiffe://demo.rampart.dev/inventory');
 * ```
 */
export interface ValidatedJwtSvid {
  readonly spiffeId: string;
  readonly claims: Readonly<Record<string, unknown>>;
}

type Stub = Client & Record<string, (...args: unknown[]) => unknown>;

/**
 * The SPIFFE Workload API, low level: one gRPC channel to the agent (no TLS, as the specification requires: the
 * socket is the trust), every call with the `workload.spiffe.io: true` header, every response parsed and checked
 * before it is handed out. Watches reconnect by themselves; see {@link X509Source} and {@link JwtSource} for the
 * kept-up-to-date view most code wants.
 *
 * @throws RampartError `ERR_CONFIG_INVALID` (from the constructor) when the address is missing or malformed.
 *
 * @example
 * ```ts
 * const client = new WorkloadApiClient({ address: 'unix:///run/spire/agent-sockets/api.sock' });
 * const context = await client.fetchX509Context();
 * const watch = client.watchX509Context({ onUpdate: (c) => use(c), onError: (e) => logger.warn({ err: e }, e.message) });
 * watch.close();
 * client.close();
 * ```
 */
export class WorkloadApiClient {
  /** Where the agent is. */
  readonly endpoint: WorkloadEndpoint;
  readonly #stub: Stub;
  readonly #backoff: BackoffOptions;
  readonly #timeoutMs: number;
  readonly #watches = new Set<Watch>();
  #closed = false;

  constructor(options: WorkloadApiClientOptions = {}) {
    this.endpoint = resolveEndpoint(options.address, options.env);
    this.#backoff = { ...DEFAULT_BACKOFF, ...definedOnly(options.backoff ?? {}) };
    this.#timeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    const Service = loadPackageDefinition(workloadPackage())[WORKLOAD_API_SERVICE] as ServiceClientConstructor;
    const channelOptions: ChannelOptions = {
      // The channel's own reconnect backoff follows the watches', so a restarted agent is found as soon as a watch asks.
      'grpc.initial_reconnect_backoff_ms': Math.max(1, this.#backoff.initialMs ?? DEFAULT_BACKOFF.initialMs),
      'grpc.max_reconnect_backoff_ms': Math.max(1, this.#backoff.maxMs ?? DEFAULT_BACKOFF.maxMs),
      'grpc.enable_retries': 0,
    };
    this.#stub = new Service(this.endpoint.target, credentials.createInsecure(), channelOptions) as Stub;
  }

  /**
   * The first message of `FetchX509SVID`: the SVIDs and bundles now.
   *
   * @throws RampartError for a failed call (`ERR_UNAVAILABLE` when the agent is away) or a refused response.
   */
  fetchX509Context(): Promise<X509Context> {
    return this.#first<X509SvidResponseMessage, X509Context>('FetchX509SVID', (m) => parseX509Context(m));
  }

  /** Watches `FetchX509SVID`: each new context (rotation, bundle change) goes to `listener.onUpdate`. */
  watchX509Context(listener: WatchListener<X509Context>): Watch {
    return this.#watch<X509SvidResponseMessage, X509Context>('FetchX509SVID', (m) => parseX509Context(m), listener);
  }

  /** The first message of `FetchX509Bundles`: the X.509 bundles by trust domain. */
  fetchX509Bundles(): Promise<X509Bundles> {
    return this.#first<X509BundlesResponseMessage, X509Bundles>('FetchX509Bundles', parseX509Bundles);
  }

  /** Watches `FetchX509Bundles`. */
  watchX509Bundles(listener: WatchListener<X509Bundles>): Watch {
    return this.#watch<X509BundlesResponseMessage, X509Bundles>('FetchX509Bundles', parseX509Bundles, listener);
  }

  /**
   * Mints a JWT-SVID for `audience` (the first the agent returns: the default identity, or `spiffeId`'s).
   *
   * @throws RampartError `ERR_INVALID_ARGUMENT` without an audience; a failed call's error; `ERR_DATA_LOSS` for a
   *   token that is not what was asked for.
   */
  async fetchJwtSvid(request: JwtSvidRequest): Promise<JwtSvid> {
    const svids = await this.fetchJwtSvids(request);
    return svids[0]!;
  }

  /** Every JWT-SVID the agent mints for `audience` (one per identity of the workload, or `spiffeId`'s only). */
  async fetchJwtSvids(request: JwtSvidRequest): Promise<JwtSvid[]> {
    const audience = [...request.audience];
    if (audience.length === 0 || audience.some((a) => typeof a !== 'string' || a === '')) {
      throw new RampartError('ERR_INVALID_ARGUMENT', 'a JWT-SVID needs at least one audience, each a non-empty string');
    }
    const response = await this.#unary<{ svids: JwtSvidMessage[] }>('FetchJWTSVID', { audience, spiffeId: request.spiffeId ?? '' });
    if (response.svids.length === 0) throw new RampartError('ERR_DATA_LOSS', 'the Workload API answered FetchJWTSVID with no JWT-SVID');
    const nowMs = Date.now();
    return response.svids.map((message) => {
      try {
        const svid = parseJwtSvid(message, audience, nowMs);
        if (request.spiffeId !== undefined && svid.spiffeId !== request.spiffeId) throw new Error(`it is for ${svid.spiffeId}, not the SPIFFE ID asked for`);
        return svid;
      } catch (error) {
        throw new RampartError('ERR_DATA_LOSS', `the Workload API sent a FetchJWTSVID response that was refused: ${(error as Error).message}`, { cause: error });
      }
    });
  }

  /** The first message of `FetchJWTBundles`: the JWK Sets by trust domain. */
  fetchJwtBundles(): Promise<JwtBundles> {
    return this.#first<JwtBundlesResponseMessage, JwtBundles>('FetchJWTBundles', parseJwtBundles);
  }

  /** Watches `FetchJWTBundles`. */
  watchJwtBundles(listener: WatchListener<JwtBundles>): Watch {
    return this.#watch<JwtBundlesResponseMessage, JwtBundles>('FetchJWTBundles', parseJwtBundles, listener);
  }

  /**
   * Asks the agent to validate a JWT-SVID for `audience`.
   *
   * @throws RampartError `ERR_INVALID_ARGUMENT` (the agent's answer for an invalid token) or a failed call's error.
   */
  async validateJwtSvid(token: string, audience: string): Promise<ValidatedJwtSvid> {
    const response = await this.#unary<{ spiffeId: string; claims: StructMessage | null }>('ValidateJWTSVID', { audience, svid: token });
    return Object.freeze({ spiffeId: response.spiffeId, claims: Object.freeze(structToJson(response.claims)) });
  }

  /** Closes every watch and the channel. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const watch of this.#watches) watch.close();
    this.#watches.clear();
    this.#stub.close();
  }

  #metadata(): Metadata {
    const metadata = new Metadata();
    metadata.set(WORKLOAD_HEADER.key, WORKLOAD_HEADER.value);
    return metadata;
  }

  #assertOpen(): void {
    if (this.#closed) throw new RampartError('ERR_APP_STATE', 'the Workload API client is closed');
  }

  #open<M>(rpc: string, deadline?: number): ClientReadableStream<M> {
    const method = this.#stub[rpc]!.bind(this.#stub) as (request: object, metadata: Metadata, options: object) => ClientReadableStream<M>;
    return method({}, this.#metadata(), deadline === undefined ? {} : { deadline });
  }

  #watch<M, T>(rpc: string, parse: (message: M) => T, listener: WatchListener<T>): Watch {
    this.#assertOpen();
    const inner = watchStream(() => this.#open<M>(rpc), rpc, parse, listener, this.#backoff);
    const watch: Watch = {
      close: () => {
        this.#watches.delete(watch);
        inner.close();
      },
    };
    this.#watches.add(watch);
    return watch;
  }

  #first<M, T>(rpc: string, parse: (message: M) => T): Promise<T> {
    this.#assertOpen();
    return new Promise<T>((resolve, reject) => {
      const stream = this.#open<M>(rpc, Date.now() + this.#timeoutMs);
      let settled = false;
      const settle = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        stream.removeAllListeners();
        stream.on('error', () => undefined);
        stream.cancel();
        outcome();
      };
      stream.on('data', (message: M) =>
        settle(() => {
          try {
            resolve(parse(message));
          } catch (error) {
            reject(new RampartError('ERR_DATA_LOSS', `the Workload API sent a ${rpc} response that was refused: ${(error as Error).message}`, { cause: error }));
          }
        }),
      );
      stream.on('error', (error: ServiceError) => settle(() => reject(callError(rpc, error))));
      stream.on('end', () => settle(() => reject(new RampartError('ERR_UNAVAILABLE', `the Workload API ended the ${rpc} stream before its first message`))));
    });
  }

  #unary<R>(rpc: string, request: object): Promise<R> {
    this.#assertOpen();
    return new Promise<R>((resolve, reject) => {
      const method = this.#stub[rpc]!.bind(this.#stub) as (
        request: object,
        metadata: Metadata,
        options: object,
        callback: (error: ServiceError | null, response?: R) => void,
      ) => unknown;
      method(request, this.#metadata(), { deadline: Date.now() + this.#timeoutMs }, (error, response) => {
        if (error !== null) reject(callError(rpc, error));
        else resolve(response as R);
      });
    });
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
