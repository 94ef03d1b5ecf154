// @rampart/spiffe/testing: a SPIFFE Workload API server for tests, behaving as the SPIRE agent does (rotations,
// federation, JWT-SVIDs, restarts). Certificates come from @rampart/pki's CA helpers; never use it in production.
export { TestWorkloadApi, type TestWorkloadApiOptions, type TestIdentity, type WorkloadRpc, type StreamRpc } from './testing/test-workload-api.js';
export { TestTrustDomain, type MintedX509Svid } from './testing/test-trust-domain.js';
