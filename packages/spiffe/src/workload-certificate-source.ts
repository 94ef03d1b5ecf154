import type {
  CaCertificateListener,
  CertificateSource,
  IdentityCertificateListener,
  InMemoryIdentity,
  SourceHealth,
  TrustDomainBundles,
} from '@rampart/pki/internal';
import { resolveEndpoint } from './endpoint-address.js';
import { X509Source, type X509SourceOptions } from './x509-source.js';

/**
 * A {@link CertificateSource} over the Workload API that the holder releases with `close()`.
 *
 * @example
 * ```ts
 * const source: WorkloadCertificateSource = workloadCertificateSource({ hint: 'internal' });
 * ```
 */
export interface WorkloadCertificateSource extends CertificateSource {
  /** The shared X509Source, once its first SVID arrived. */
  readonly x509Source: Promise<X509Source>;
  /** Releases this holder's share; the last one closes the stream. Idempotent. */
  close(): void;
}

interface Shared {
  readonly source: Promise<X509Source>;
  users: number;
}

/** One X509Source per Workload API address and SVID hint in the process: the server, its clients and its token client share one stream. */
const shared = new Map<string, Shared>();

/**
 * The workload's X.509-SVID and bundles from the SPIFFE Workload API as a pki {@link CertificateSource}: what Rampart's
 * server, clients, token client and issuer take when `transport.source` is `workload-api`. Holders of the same address
 * and hint (and the same `pick` function, when they pick) share one {@link X509Source} (one `FetchX509SVID` stream);
 * the first holder's other options apply. Listeners added before the first SVID arrived get it when it does.
 *
 * @throws RampartError `ERR_CONFIG_INVALID` when the address is missing or malformed.
 *
 * @example
 * ```ts
 * const source = workloadCertificateSource({ address: 'unix:///run/spire/agent.sock' });
 * await source.ready;
 * const credentials = experimental.createCertificateProviderServerCredentials(source, source, false);
 * source.close();
 * ```
 */
export function workloadCertificateSource(options: X509SourceOptions = {}): WorkloadCertificateSource {
  const endpoint = resolveEndpoint(options.address, options.env);
  // A holder that picks its SVID shares only with holders of the same pick function: another's choice is not its own.
  const key = `${endpoint.address}|${options.hint ?? ''}|${pickKey(options.pick)}`;
  let entry = shared.get(key);
  if (entry === undefined) {
    const created: Shared = { source: X509Source.create({ ...options, address: endpoint.address }), users: 0 };
    created.source.catch(() => {
      if (shared.get(key) === created) shared.delete(key);
    });
    shared.set(key, created);
    entry = created;
  }
  entry.users += 1;
  return new Holder(entry, () => {
    const current = shared.get(key);
    if (current === undefined || current !== entry) return;
    current.users -= 1;
    if (current.users > 0) return;
    shared.delete(key);
    void current.source.then((source) => source.close(), () => undefined);
  });
}

const pickIds = new WeakMap<object, number>();
let lastPickId = 0;

/** The share key part of a `pick` option: '' without one, else one id per function object. */
function pickKey(pick: X509SourceOptions['pick']): string {
  if (pick === undefined) return '';
  let id = pickIds.get(pick);
  if (id === undefined) pickIds.set(pick, (id = ++lastPickId));
  return `pick#${id}`;
}

/** One holder's view of a shared X509Source. */
class Holder implements WorkloadCertificateSource {
  readonly x509Source: Promise<X509Source>;
  readonly ready: Promise<unknown>;
  readonly health: SourceHealth;
  #source: X509Source | undefined;
  #closed = false;
  readonly #identityListeners = new Set<IdentityCertificateListener>();
  readonly #caListeners = new Set<CaCertificateListener>();
  readonly #healthListeners = new Set<(healthy: boolean) => void>();
  readonly #onHealth = (healthy: boolean): void => {
    for (const listener of this.#healthListeners) listener(healthy);
  };

  constructor(
    entry: Shared,
    private readonly release: () => void,
  ) {
    this.x509Source = entry.source;
    this.ready = entry.source.then((source) => {
      if (this.#closed) return;
      this.#source = source;
      for (const listener of this.#identityListeners) source.addIdentityCertificateListener(listener);
      for (const listener of this.#caListeners) source.addCaCertificateListener(listener);
      source.on('health', this.#onHealth);
    });
    this.ready.catch(() => undefined);
    this.health = {
      healthy: () => this.#source?.healthy ?? false,
      subscribe: (listener) => {
        this.#healthListeners.add(listener);
        return () => this.#healthListeners.delete(listener);
      },
    };
  }

  identity(): InMemoryIdentity | undefined {
    const source = this.#source;
    if (source === undefined) return undefined;
    try {
      const svid = source.svid();
      return { certificate: svid.certificateChainPem, privateKey: svid.privateKeyPem, fingerprint256: svid.certificates[0]!.fingerprint256 };
    } catch {
      return undefined; // expired without a replacement: nothing to present
    }
  }

  trustBundles(): TrustDomainBundles | undefined {
    try {
      return this.#source?.bundles();
    } catch {
      return undefined;
    }
  }

  addIdentityCertificateListener(listener: IdentityCertificateListener): void {
    this.#identityListeners.add(listener);
    this.#source?.addIdentityCertificateListener(listener);
  }

  removeIdentityCertificateListener(listener: IdentityCertificateListener): void {
    this.#identityListeners.delete(listener);
    this.#source?.removeIdentityCertificateListener(listener);
  }

  addCaCertificateListener(listener: CaCertificateListener): void {
    this.#caListeners.add(listener);
    this.#source?.addCaCertificateListener(listener);
  }

  removeCaCertificateListener(listener: CaCertificateListener): void {
    this.#caListeners.delete(listener);
    this.#source?.removeCaCertificateListener(listener);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const source = this.#source;
    if (source !== undefined) {
      for (const listener of this.#identityListeners) source.removeIdentityCertificateListener(listener);
      for (const listener of this.#caListeners) source.removeCaCertificateListener(listener);
      source.off('health', this.#onHealth);
    }
    this.#identityListeners.clear();
    this.#caListeners.clear();
    this.#healthListeners.clear();
    this.release();
  }
}
