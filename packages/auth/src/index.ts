// @rampart/auth: what a service author and an app's wiring need. Extending the pipeline with stages of your own:
// '@rampart/auth/stages'. Rampart's own tools (routes, benchmarks, fuzzing): '@rampart/auth/internal'.

// --- decorators and policies ---
export { RequireMtls, type RequireMtlsOptions } from './mtls/require-mtls.js';
export { Authenticated, type AuthenticatedOptions } from './decorators/authenticated.js';
export {
  allow,
  Authorize,
  deny,
  type AuthorizationPolicy,
  type PolicyClass,
  type PolicyDecision,
  type PolicyInput,
  type RequestPolicyInput,
} from './decorators/authorize.js';
// --- the plugin, its config and its extension points ---
export { rampartAuth, RAMPART_AUTH, type RampartAuthOptions, type AuthConfig } from './plugin.js';
export { tokenConfigSchema, type TokenConfig, type ConfiguredIssuer } from './tokens/token-config-schema.js';
export type { ConfiguredTrustDomain } from './tokens/trust-domain-list.js';
export { authPipelineConfigSchema } from './pipeline/pipeline-config-schema.js';
export { InMemoryReplayStore, type ReplayStore } from './pipeline/replay-store.js';
export { DefaultAuthAuditor, type AuthAuditor, type AuthDecisionEvent, type AuditLevels } from './pipeline/auditor.js';
// --- token verification on its own ---
export { TokenVerifier } from './tokens/token-verifier.js';
export { ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS, DEFAULT_ASYMMETRIC_ALGORITHMS } from './tokens/token-types.js';
export type {
  AsymmetricAlgorithm,
  HmacAlgorithm,
  TokenAlgorithm,
  TokenFetch,
  IssuerConfig,
  TokenVerifierOptions,
  VerifyOptions,
  VerifiedToken,
} from './tokens/token-types.js';
export type { ClaimMapping, ClaimMappingConfig, ClaimPath, ClaimPreset } from './tokens/claim-mapping.js';
export { JWT_SVID_ALGORITHMS, type JwtSvidAlgorithm, type JwtBundleSource, type TrustDomainConfig } from './tokens/jwt-svid-types.js';
