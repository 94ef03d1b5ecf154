import type { X509Certificate } from 'node:crypto';
import { RampartError, type Logger } from '@rampart/core';
import {
  TrustDomainBundles,
  type CaCertificateListener,
  type CaSource,
  type IdentityCertificateListener,
  type IdentitySource,
} from '@rampart/pki/internal';
import { TypedEvents } from './typed-events.js';
import { defaultExpiryMarginMs, svidHealth } from './svid-health.js';
import type { WatchProblem, Watch } from './stream-watch.js';
import { WorkloadApiClient, type WorkloadApiClientOptions } from './workload-api-client.js';
import type { X509Context } from './x509-context.js';
import type { X509Svid } from './x509-svid.js';
import { firstUpdate, type FirstUpdateOptions } from './first-update.js';

/**
 * Options of {@link X509Source.create}.
 *
 * @example
 * ```ts
 * const options: X509SourceOptions = { hint: 'internal', timeoutMs: 15_000, logger };
 * ```
 */
export interface X509SourceOptions extends WorkloadApiClientOptions, FirstUpdateOptions {
  /** Use the SVID with this hint instead of the default (the first). Not with `pick`. */
  readonly hint?: string;
  /**
   * Choose the SVID yourself (undefined: none fits, the response is refused). Not with `hint`. If it throws, the
   * response is refused too: an `error` event (`bad-response`, the thrown error as `cause`), and `create` names it.
   */
  readonly pick?: (svids: readonly X509Svid[]) => X509Svid | undefined;
  /** How long before expiry a source whose stream is down turns unhealthy. Default: a quarter of the SVID's lifetime, at most 1 minute. */
  readonly expiryMarginMs?: number;
  /** Where the source logs stream problems and recoveries. Default: nowhere (use the `error` event). */
  readonly logger?: Logger;
  /** A client to use instead of one of its own (it is not closed with the source). */
  readonly client?: WorkloadApiClient;
}

/**
 * What changed in an `update` event.
 *
 * @example
 * ```ts
 * source.on('update', (u: X509SourceUpdate) => u.svidChanged && logger.info({ notAfter: u.svid.notAfter }, 'rotated'));
 * ```
 */
export interface X509SourceUpdate {
  readonly svid: X509Svid;
  readonly bundles: TrustDomainBundles;
  readonly svidChanged: boolean;
  readonly bundlesChanged: boolean;
}

/**
 * The events of an {@link X509Source}: `update` (a new SVID and/or bundles), `error` (a stream problem or a refused
 * response: the last good state stays), `health` (the health rule's answer changed).
 */
export interface X509SourceEvents {
  /** A new SVID and/or new bundles, already in use. */
  update: [X509SourceUpdate];
  /** A stream problem or a refused response; the last good state stays. */
  error: [RampartError, WatchProblem];
  /** The health rule's new answer. */
  health: [boolean];
}

/**
 * The workload's X.509-SVID and trust bundles, kept up to date from the SPIFFE Workload API (go-spiffe's and
 * java-spiffe's `X509Source`): rotated in memory, no files. It is a pki `IdentitySource` and `CaSource`, so
 * `combineCertificateSources(source, source)` feeds grpc-js certificate-provider credentials directly. A broken stream
 * keeps the last good SVID until it expires and reconnects with backoff; {@link X509Source.healthy} turns false
 * before the SVID expires while the agent is away.
 *
 * @example
 * ```ts
 * const source = await X509Source.create(); // SPIFFE_ENDPOINT_SOCKET
 * source.svid().spiffeId; // 'spiffe://demo.rampart.dev/orders'
 * source.bundles().bundleFor('partner.example'); // the federated trust domain's CAs
 * source.on('health', (healthy) => healthService.setStatus('', healthy ? 'SERVING' : 'NOT_SERVING'));
 * source.close();
 * ```
 */
export class X509Source extends TypedEvents<X509SourceEvents> implements IdentitySource, CaSource {
  readonly #client: WorkloadApiClient;
  readonly #ownsClient: boolean;
  readonly #options: X509SourceOptions;
  readonly #identityListeners = new Set<IdentityCertificateListener>();
  readonly #caListeners = new Set<CaCertificateListener>();
  #watch: Watch | undefined;
  #svid: X509Svid | undefined;
  #bundles: TrustDomainBundles | undefined;
  #streamUp = false;
  #healthy = false;
  #healthTimer: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(options: X509SourceOptions) {
    super();
    if (options.hint !== undefined && options.pick !== undefined) {
      throw new RampartError('ERR_CONFIG_INVALID', 'X509Source: give hint or pick, not both');
    }
    this.#options = options;
    this.#ownsClient = options.client === undefined;
    this.#client = options.client ?? new WorkloadApiClient(options);
  }

  /**
   * Connects to the Workload API and resolves once the first good X.509 context has arrived.
   *
   * @throws RampartError `ERR_CONFIG_INVALID` for a bad address or options; `ERR_UNAVAILABLE` when no good context
   *   arrived within `timeoutMs` (naming the address and the last problem); the agent's refusal when it is final
   *   (InvalidArgument, Unimplemented).
   */
  static async create(options: X509SourceOptions = {}): Promise<X509Source> {
    const source = new X509Source(options);
    try {
      await firstUpdate(subscriber(source), `an X.509-SVID from the Workload API at ${source.#client.endpoint.address}`, options, () => source.#start());
    } catch (error) {
      source.close();
      throw error;
    }
    return source;
  }

  /**
   * The current SVID (the default one, or the one `hint`/`pick` chose).
   *
   * @throws RampartError `ERR_UNAVAILABLE` once it has expired without a replacement (never handed out expired).
   */
  svid(): X509Svid {
    const svid = this.#current();
    if (svid.notAfter.getTime() <= Date.now()) {
      throw new RampartError(
        'ERR_UNAVAILABLE',
        `the X.509-SVID of ${svid.spiffeId} expired at ${svid.notAfter.toISOString()} and the Workload API at ${this.#client.endpoint.address} has not sent a new one`,
      );
    }
    return svid;
  }

  /** The trust bundles: the SVID's own trust domain's and the federated ones (pki's per-trust-domain rule applies). */
  bundles(): TrustDomainBundles {
    this.#current();
    return this.#bundles!;
  }

  /** The CA certificates of one trust domain, or undefined when the Workload API sent none for it. */
  bundleFor(trustDomain: string): readonly X509Certificate[] | undefined {
    return this.bundles().bundleFor(trustDomain);
  }

  /** False when the SVID expired, or will within the margin while the stream is down; see `health` events. */
  get healthy(): boolean {
    return this.#healthy;
  }

  /** Whether the `FetchX509SVID` stream delivered since its last break. */
  get connected(): boolean {
    return this.#streamUp;
  }

  addIdentityCertificateListener(listener: IdentityCertificateListener): void {
    this.#identityListeners.add(listener);
    // On the next tick, with what is in use then (an update may have come first), unless removed meanwhile.
    process.nextTick(() => {
      const svid = this.#svid;
      if (svid === undefined || svid.notAfter.getTime() <= Date.now() || !this.#identityListeners.has(listener)) return;
      this.#call(listener, { certificate: svid.certificateChainPem, privateKey: svid.privateKeyPem });
    });
  }

  removeIdentityCertificateListener(listener: IdentityCertificateListener): void {
    this.#identityListeners.delete(listener);
  }

  addCaCertificateListener(listener: CaCertificateListener): void {
    this.#caListeners.add(listener);
    process.nextTick(() => {
      const bundles = this.#bundles;
      if (bundles !== undefined && this.#caListeners.has(listener)) this.#call(listener, { caCertificate: Buffer.from(bundles.pem) });
    });
  }

  removeCaCertificateListener(listener: CaCertificateListener): void {
    this.#caListeners.delete(listener);
  }

  /** Stops the stream (and the client, unless it was given). The last SVID stays readable until it expires. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#watch?.close();
    if (this.#healthTimer !== undefined) clearTimeout(this.#healthTimer);
    if (this.#ownsClient) this.#client.close();
  }

  /** Logs a listener that threw. */
  protected override listenerFailed(error: unknown): void {
    this.#options.logger?.error({ err: error }, 'an X509Source event listener threw');
  }

  #current(): X509Svid {
    if (this.#svid === undefined) throw new RampartError('ERR_APP_STATE', 'the X509Source has no SVID yet: await X509Source.create()');
    return this.#svid;
  }

  #start(): void {
    this.#watch = this.#client.watchX509Context({
      onUpdate: (context) => this.#onContext(context),
      onError: (error, problem) => this.#onError(error, problem),
    });
  }

  #onContext(context: X509Context): void {
    if (this.#closed) return;
    const svid = this.#choose(context.svids);
    if (svid === undefined) return;
    const own = context.bundles.get(svid.trustDomain) ?? [];
    const federated = new Map([...context.bundles].filter(([domain]) => domain !== svid.trustDomain));
    const bundles = new TrustDomainBundles(svid.trustDomain, own, federated);
    const svidChanged = this.#svid === undefined || !sameChain(this.#svid, svid) || !this.#svid.privateKeyPem.equals(svid.privateKeyPem);
    const bundlesChanged = this.#bundles === undefined || bundleSignature(this.#bundles) !== bundleSignature(bundles);
    const wasDown = !this.#streamUp;
    this.#streamUp = true;
    if (wasDown && this.#svid !== undefined) this.#options.logger?.info({ address: this.#client.endpoint.address }, 'the Workload API stream is back');
    this.#svid = svid;
    this.#bundles = bundles;
    // Each listener on its own: one that throws must not keep a new CA bundle (a removed CA, say) from the others.
    if (svidChanged) {
      const pair = { certificate: svid.certificateChainPem, privateKey: svid.privateKeyPem };
      for (const listener of [...this.#identityListeners]) this.#call(listener, pair);
    }
    if (bundlesChanged) {
      const update = { caCertificate: Buffer.from(bundles.pem) };
      for (const listener of [...this.#caListeners]) this.#call(listener, update);
    }
    this.#updateHealth();
    if (svidChanged || bundlesChanged) this.emit('update', { svid, bundles, svidChanged, bundlesChanged });
  }

  #call<T>(listener: (value: T) => void, value: T): void {
    try {
      listener(value);
    } catch (error) {
      this.listenerFailed(error);
    }
  }

  #choose(svids: readonly X509Svid[]): X509Svid | undefined {
    const { hint, pick } = this.#options;
    let chosen: X509Svid | undefined;
    try {
      chosen = pick !== undefined ? pick(svids) : hint !== undefined ? svids.find((s) => s.hint === hint) : svids[0];
    } catch (error) {
      const reason = error instanceof Error ? error.message : describeThrown(error);
      this.#onError(new RampartError('ERR_INTERNAL', `the X509Source's pick threw (${reason}): the Workload API response is refused`, { cause: error }), { kind: 'bad-response' });
      return undefined;
    }
    if (chosen === undefined) {
      const wanted = hint !== undefined ? `with hint ${JSON.stringify(hint)}` : 'chosen by pick';
      const offered = svids.map((s) => `${s.spiffeId}${s.hint === '' ? '' : ` (hint ${s.hint})`}`).join(', ');
      this.#onError(new RampartError('ERR_DATA_LOSS', `the Workload API sent no X.509-SVID ${wanted} (it sent ${offered})`), { kind: 'bad-response' });
    }
    return chosen;
  }

  #onError(error: RampartError, problem: WatchProblem): void {
    if (this.#closed) return;
    if (problem.kind !== 'bad-response') {
      if (this.#streamUp) this.#options.logger?.warn({ err: error, address: this.#client.endpoint.address, problem }, 'the Workload API stream broke');
      this.#streamUp = false;
      this.#updateHealth();
    } else {
      this.#options.logger?.error({ err: error }, 'a Workload API response was refused; the last good SVID stays');
    }
    this.emit('error', error, problem);
  }

  #updateHealth(): void {
    if (this.#healthTimer !== undefined) clearTimeout(this.#healthTimer);
    this.#healthTimer = undefined;
    const svid = this.#svid;
    if (svid === undefined || this.#closed) return;
    const notAfterMs = svid.notAfter.getTime();
    const marginMs = this.#options.expiryMarginMs ?? defaultExpiryMarginMs(notAfterMs - svid.notBefore.getTime());
    const now = Date.now();
    const { healthy, changesAtMs } = svidHealth({ notAfterMs, streamUp: this.#streamUp, marginMs }, now);
    if (changesAtMs !== undefined) {
      this.#healthTimer = setTimeout(() => this.#updateHealth(), Math.max(0, changesAtMs - now) + 1);
      this.#healthTimer.unref();
    }
    if (healthy !== this.#healthy) {
      this.#healthy = healthy;
      if (!healthy) this.#options.logger?.error({ spiffeId: svid.spiffeId, notAfter: svid.notAfter }, 'the X.509-SVID expires soon or has expired, and the Workload API is away');
      this.emit('health', healthy);
    }
  }
}

function sameChain(a: X509Svid, b: X509Svid): boolean {
  return a.certificateChainPem.equals(b.certificateChainPem);
}

/** Which CA certificates each trust domain has: two bundle sets with the same signature say the same. */
function bundleSignature(bundles: TrustDomainBundles): string {
  return bundles.trustDomains.map((domain) => `${domain}=${(bundles.bundleFor(domain) ?? []).map((cert) => cert.fingerprint256).join(',')}`).join(';');
}

function subscriber(source: X509Source): Parameters<typeof firstUpdate>[0] {
  return (onUpdate, onError) => {
    source.on('update', onUpdate).on('error', onError);
    return () => source.off('update', onUpdate).off('error', onError);
  };
}

/** What a thrown non-Error says of itself; a value whose conversion throws too (a null-prototype object) is named only. */
function describeThrown(value: unknown): string {
  try {
    return String(value);
  } catch {
    return 'a value that cannot be printed';
  }
}
