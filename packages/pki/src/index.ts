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
