import type { CaCertificateListener } from './trust-bundle-watcher.js';

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
