import { SerialReads, type ReloadOutcome } from './serial-reads.js';
import { loadTrustBundles, type TrustBundleSources } from './trust-bundle-files.js';
import type { TrustDomainBundles } from './trust-domain-bundles.js';
import { messageOf } from './message-of.js';

/**
 * What a CA listener gets: the union of all bundles as PEM (grpc-js's `CaCertificateUpdate` shape), or null.
 *
 * @example
 * ```ts
 * const listener: CaCertificateListener = (update) => update && createSecureContext({ ca: update.caCertificate });
 * ```
 */
export type CaCertificateListener = (update: { caCertificate: Buffer } | null) => void;

/**
 * Options of {@link watchTrustBundles}.
 *
 * @example
 * ```ts
 * const options: TrustBundleWatchOptions = { refreshIntervalMs: 30_000, onProblem: (p) => logger.error(p) };
 * ```
 */
export interface TrustBundleWatchOptions {
  /** How often the files are read again, in milliseconds (at least 100). */
  readonly refreshIntervalMs: number;
  /**
   * A read after the first (whose problem is `ready`'s rejection) that failed: the previous bundles, if any, stay in
   * use. Reported once per distinct problem, the first read's included.
   */
  readonly onProblem?: (problem: string) => void;
  /** A read after the first that changed the bundles; also the first usable read after `ready` rejected. */
  readonly onReload?: (bundles: TrustDomainBundles) => void;
}

/**
 * Trust-domain-scoped bundles read from files and re-read every `refreshIntervalMs`, as the CA half of a grpc-js
 * certificate provider: CA listeners get the union of all bundles (what TLS verifies chains against) on the first
 * load and whenever it changes, and {@link TrustBundleWatcher.current} holds the bundles by trust domain for the
 * scoped check. A reload that fails (a file missing, half written, not a bundle) is reported and skipped; the
 * previous bundles stay in use until a usable set appears.
 *
 * @example
 * ```ts
 * const watcher = watchTrustBundles({ caFile, certFile, federatedBundles }, { refreshIntervalMs: 30_000 });
 * const bundles = await watcher.ready;
 * bundles.anchorProblem(leaf, trustDomain, () => []);
 * watcher.close();
 * ```
 */
export class TrustBundleWatcher {
  /** The first load; rejects with an error naming the setting that is unusable. Never an unhandled rejection. */
  readonly ready: Promise<TrustDomainBundles>;
  #current: TrustDomainBundles | undefined;
  #pem: Buffer | undefined;
  readonly #listeners = new Set<CaCertificateListener>();
  readonly #timer: NodeJS.Timeout;
  readonly #reads = new SerialReads();
  #lastProblem: string | undefined;

  constructor(
    private readonly sources: TrustBundleSources,
    private readonly options: TrustBundleWatchOptions,
  ) {
    this.ready = this.#reads.run(() =>
      loadTrustBundles(sources).then(
        (bundles) => {
          this.#apply(bundles);
          return bundles;
        },
        (error: unknown) => {
          // The first read's problem is ready's rejection; later reads report a problem once it changes (as the
          // identity watcher does).
          this.#lastProblem = messageOf(error);
          throw error;
        },
      ),
    );
    this.ready.catch(() => undefined);
    this.#timer = setInterval(() => {
      if (!this.#reads.busy) void this.#reads.run(() => this.#refresh());
    }, Math.max(options.refreshIntervalMs, 100));
    this.#timer.unref();
  }

  /** The bundles in use; undefined until the first load succeeded. */
  get current(): TrustDomainBundles | undefined {
    return this.#current;
  }

  addCaCertificateListener(listener: CaCertificateListener): void {
    this.#listeners.add(listener);
    const pem = this.#pem;
    if (pem === undefined) return;
    // On the next tick, with what is in use then (an update may have come first), unless removed meanwhile.
    process.nextTick(() => {
      const now = this.#pem;
      if (now !== undefined && this.#listeners.has(listener)) this.#handOn(() => listener({ caCertificate: now }));
    });
  }

  removeCaCertificateListener(listener: CaCertificateListener): void {
    this.#listeners.delete(listener);
  }

  /**
   * Reads the files now (after a read under way, if any) and puts changed, usable bundles in use, as a timer's read
   * would; for a helper that signals after writing (SIGHUP). Never rejects.
   */
  reload(): Promise<ReloadOutcome> {
    return this.#reads.run(() => this.#refresh());
  }

  /** Stops re-reading the files. Idempotent. */
  close(): void {
    clearInterval(this.#timer);
  }

  async #refresh(): Promise<ReloadOutcome> {
    try {
      const bundles = await loadTrustBundles(this.sources);
      this.#lastProblem = undefined;
      if (this.#current !== undefined && sameDomains(bundles, this.#current)) return { result: 'unchanged' };
      // Never the first read (that is `ready`): with no bundles yet, `ready` rejected, and this is news to whoever
      // follows onReload rather than the CA listeners.
      this.#apply(bundles);
      this.#handOn(() => this.options.onReload?.(bundles));
      return { result: 'changed' };
    } catch (error) {
      const problem = messageOf(error);
      if (problem !== this.#lastProblem) this.options.onProblem?.(problem);
      this.#lastProblem = problem;
      return { result: 'refused', problem };
    }
  }

  #apply(bundles: TrustDomainBundles): void {
    this.#current = bundles;
    const pem = Buffer.from(bundles.pem);
    const changed = this.#pem === undefined || !pem.equals(this.#pem);
    this.#pem = pem;
    // Each listener on its own: one that throws must not keep the new bundle (a removed CA, say) from the others.
    if (changed) for (const listener of [...this.#listeners]) this.#handOn(() => listener({ caCertificate: pem }));
  }

  #handOn(run: () => void): void {
    try {
      run();
    } catch (error) {
      this.options.onProblem?.(`the new trust bundle could not be handed on: ${messageOf(error)}`);
    }
  }
}

/** Same trust domains with the same certificates each (comparing the union alone would miss a CA moved between domains). */
function sameDomains(a: TrustDomainBundles, b: TrustDomainBundles): boolean {
  const domains = a.trustDomains;
  if (domains.join('\n') !== b.trustDomains.join('\n')) return false;
  return domains.every((domain) => {
    const x = a.bundleFor(domain) ?? [];
    const y = b.bundleFor(domain) ?? [];
    return x.length === y.length && x.every((cert, i) => cert.raw.equals((y[i] as typeof cert).raw));
  });
}

/**
 * Starts watching trust bundle files (see {@link TrustBundleWatcher}).
 *
 * @example
 * ```ts
 * const watcher = watchTrustBundles({ caFile: 'ca.pem', certFile: 'orders.pem' }, { refreshIntervalMs: 60_000 });
 * ```
 */
export function watchTrustBundles(sources: TrustBundleSources, options: TrustBundleWatchOptions): TrustBundleWatcher {
  return new TrustBundleWatcher(sources, options);
}
