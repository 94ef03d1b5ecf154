export { parseSpiffeId, formatSpiffeId, type SpiffeIdParts } from './spiffe-id.js';
export { thumbprintOfPem, thumbprintOfDer } from './thumbprint.js';
export {
  createCa,
  loadCa,
  type PemKeyPair,
  type CertificateAuthority,
  type CreateCaOptions,
} from './certificate-authority.js';
export {
  issueCertificate,
  type IssueOptions,
  type IssuedCertificate,
  type CertificateUsage,
} from './issue-certificate.js';
export { ensureDevPki, type DevPkiOptions, type DevPkiPaths, type DevPkiWorkload } from './dev-pki.js';
export { certificateKeyProblem } from './certificate-pem.js';
export { parseTrustBundle, formatSpiffeBundle } from './trust-bundle.js';
export { chainsTo, issuersOf, type CertificateWithIssuer } from './chain-anchor.js';
export { ChainMemory } from './chain-memory.js';
export { TrustDomainBundles, shortName } from './trust-domain-bundles.js';
export {
  checkTrustBundleSources,
  loadTrustBundles,
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
export type { ReloadOutcome } from './serial-reads.js';
export {
  combineCertificateSources,
  type IdentitySource,
  type CaSource,
  type IdentityCertificateListener,
} from './certificate-sources.js';
export { workloadTlsSettings, transportTlsConfigSchema } from './tls-config-schema.js';
