// @rampart/spiffe: the SPIFFE Workload API for Node. X509Source and JwtSource keep a workload's SVIDs and bundles up
// to date from the SPIRE agent's socket; WorkloadApiClient is the low-level client. The test agent:
// '@rampart/spiffe/testing'.
export { X509Source, type X509SourceOptions, type X509SourceUpdate, type X509SourceEvents } from './x509-source.js';
export { JwtSource, type JwtSourceOptions, type JwtSourceEvents } from './jwt-source.js';
export {
  WorkloadApiClient,
  type WorkloadApiClientOptions,
  type JwtSvidRequest,
  type ValidatedJwtSvid,
} from './workload-api-client.js';
export type { X509Svid } from './x509-svid.js';
export type { X509Context, X509Bundles } from './x509-context.js';
export type { JwtSvid } from './jwt-svid.js';
export type { JwtBundles } from './jwt-bundles.js';
export type { Watch, WatchListener, WatchProblem } from './stream-watch.js';
export type { BackoffOptions } from './backoff.js';
export type { FirstUpdateOptions } from './first-update.js';
export { TypedEvents } from './typed-events.js';
export { configuredEndpoint, parseEndpointAddress, resolveEndpoint, SPIFFE_ENDPOINT_SOCKET, type WorkloadEndpoint } from './endpoint-address.js';
export { splitDer } from './der-certificates.js';
export { WORKLOAD_PROTO_PATH } from './workload-proto.js';
export type { TrustDomainBundles } from '@rampart/pki/internal';
export { workloadCertificateSource, type WorkloadCertificateSource } from './workload-certificate-source.js';
export { leaseJwtSource, type JwtSourceLease } from './jwt-source-lease.js';
