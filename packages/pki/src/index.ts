// @rampart/pki: certificates for development and operations (a CA, workload certificates, the dev PKI, thumbprints
// for certificate-bound tokens, SPIFFE bundles) and the TLS settings every workload reads. The file watchers and
// trust-bundle checks that servers and clients run: '@rampart/pki/internal'.
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
export { formatSpiffeBundle } from './trust-bundle.js';
export type { ReloadOutcome } from './serial-reads.js';
export { workloadTlsSettings, transportSourceSetting, workloadApiSettings, transportTlsConfigSchema } from './tls-config-schema.js';
