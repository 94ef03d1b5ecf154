import type { CaCertificateListener } from './trust-bundle-watcher.js';
import type { TrustDomainBundles } from './trust-domain-bundles.js';

/**
 * What an identity listener gets: the workload's certificate chain and key, PEM (grpc-js's
 * `IdentityCertificateUpdate` shape), or null when they could not be read.
 *
 * @example
 * ```ts
 * const listener: IdentityCertificateListener = (update) => update && check(update.certificate, update.privateKey);
 * ```
 */
export type IdentityCertificateListener = (update: { certificate: Buffer; privateKey: Buffer } | null) => void;

/**
 * A source of the workload's certificate and key, such as an `IdentityFileWatcher` (or grpc-js's
 * `FileWatcherCertificateProvider`, which hands on a pair it read even when the key does not match).
 *
 * @example
 * ```ts
 * const identity: IdentitySource = watchIdentityFiles({ certFile, keyFile, refreshIntervalMs: 30_000 });
 * ```
 */
export interface IdentitySource {
  addIdentityCertificateListener(listener: IdentityCertificateListener): void;
  removeIdentityCertificateListener(listener: IdentityCertificateListener): void;
}

/**
 * A source of the trust bundle, such as a {@link TrustBundleWatcher}.
 *
 * @example
 * ```ts
 * const ca: CaSource = watchTrustBundles(sources, { refreshIntervalMs: 30_000 });
 * ```
 */
export interface CaSource {
  addCaCertificateListener(listener: CaCertificateListener): void;
  removeCaCertificateListener(listener: CaCertificateListener): void;
}

/**
 * One certificate provider (grpc-js's `CertificateProvider` shape) made of an identity source and a trust bundle
 * source, so it can be passed for both roles and the argument order of grpc-js's `createCertificateProvider*`
 * functions (which differs between their types and their implementation) cannot go wrong.
 *
 * @example
 * ```ts
 * const provider = combineCertificateSources(fileWatcher, bundleWatcher);
 * experimental.createCertificateProviderServerCredentials(provider, provider, false);
 * ```
 */
export function combineCertificateSources(identity: IdentitySource, ca: CaSource): IdentitySource & CaSource {
  return {
    addIdentityCertificateListener: (listener) => identity.addIdentityCertificateListener(listener),
    removeIdentityCertificateListener: (listener) => identity.removeIdentityCertificateListener(listener),
    addCaCertificateListener: (listener) => ca.addCaCertificateListener(listener),
    removeCaCertificateListener: (listener) => ca.removeCaCertificateListener(listener),
  };
}

/**
 * A certificate and key held in memory: the chain (PEM, leaf first), its key (PEM) and the leaf's SHA-256
 * fingerprint, which tells two of them apart.
 *
 * @example
 * ```ts
 * const identity: InMemoryIdentity = { certificate: chainPem, privateKey: keyPem, fingerprint256: leaf.fingerprint256 };
 * ```
 */
export interface InMemoryIdentity {
  readonly certificate: Buffer;
  readonly privateKey: Buffer;
  readonly fingerprint256: string;
}

/**
 * Whether a certificate source can still keep its certificate valid, and when that changes: false once it has lost
 * its upstream (the SPIFFE Workload API agent) and the certificate in use is about to expire.
 *
 * @example
 * ```ts
 * const stop = source.health.subscribe((healthy) => reporter.setAll(healthy ? 'SERVING' : 'NOT_SERVING'));
 * ```
 */
export interface SourceHealth {
  healthy(): boolean;
  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: (healthy: boolean) => void): () => void;
}

/**
 * A workload's certificate, key and trust bundles held in memory and replaced there (the SPIFFE Workload API's
 * X.509-SVID stream), in grpc-js's certificate-provider shapes for TLS, with what the per-connection checks read now.
 * The file watchers' in-memory counterpart: servers, clients and the token client accept either.
 *
 * @example
 * ```ts
 * const credentials = experimental.createCertificateProviderServerCredentials(source, source, false);
 * ```
 */
export interface CertificateSource extends IdentitySource, CaSource {
  /** Settles once a certificate, key and bundles are loaded; rejects with the reason they could not be. */
  readonly ready: Promise<unknown>;
  /** The certificate and key new connections present now; undefined until loaded. */
  identity(): InMemoryIdentity | undefined;
  /** The trust bundles by trust domain in use now; undefined until loaded. */
  trustBundles(): TrustDomainBundles | undefined;
  readonly health: SourceHealth;
}
