// @rampart/pki/internal: what Rampart's servers, clients and issuer share to load, check and watch certificate
// files and trust bundles. No compatibility promise: it changes with the framework's internals.
export { certificateKeyProblem } from './certificate-pem.js';
export { parseTrustBundle } from './trust-bundle.js';
export { issuersOf, type CertificateWithIssuer } from './chain-anchor.js';
export { ChainMemory } from './chain-memory.js';
export { TrustDomainBundles, shortName } from './trust-domain-bundles.js';
export {
  checkTrustBundleSources,
  trustBundlesFromTexts,
  type TrustBundleTexts,
  type TrustBundleSources,
  type TrustBundleSettingNames,
} from './trust-bundle-files.js';
export {
  watchTrustBundles,
  TrustBundleWatcher,
  type TrustBundleWatchOptions,
  type CaCertificateListener,
} from './trust-bundle-watcher.js';
export {
  watchIdentityFiles,
  IdentityFileWatcher,
  type IdentityWatchOptions,
  type WatchedIdentity,
} from './identity-file-watcher.js';
export {
  combineCertificateSources,
  type IdentitySource,
  type CaSource,
  type CertificateSource,
  type InMemoryIdentity,
  type SourceHealth,
  type IdentityCertificateListener,
} from './certificate-sources.js';
