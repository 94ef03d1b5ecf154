// --- mTLS: @RequireMtls, its rule, check, interceptor, and the rampart-auth plugin ---
export { RequireMtls, MTLS_DECISION, type RequireMtlsOptions } from './mtls/require-mtls.js';
export { compileMtlsRule, type MtlsRule } from './mtls/mtls-rule.js';
export { checkMtls } from './mtls/check-mtls.js';
export { describeMtlsRule } from './mtls/describe-mtls-rule.js';
// --- end mTLS ---
// --- tokens: bearer token verification (jose, OIDC discovery, JWKS, verified-token cache) ---
export { TokenVerifier } from './tokens/token-verifier.js';
export { TOKEN_VERIFIER_DEFAULTS } from './tokens/verifier-settings.js';
export {
  ASYMMETRIC_ALGORITHMS,
  HMAC_ALGORITHMS,
  DEFAULT_ASYMMETRIC_ALGORITHMS,
  type AsymmetricAlgorithm,
  type HmacAlgorithm,
  type TokenAlgorithm,
  type TokenFetch,
  type IssuerConfig,
  type TokenVerifierOptions,
  type VerifyOptions,
  type VerifiedToken,
} from './tokens/token-types.js';
export { tokenConfigSchema, type TokenConfig, type ConfiguredIssuer } from './tokens/token-config-schema.js';
export {
  CLAIM_PRESETS,
  resolveClaimMapping,
  type ClaimMapping,
  type ClaimMappingConfig,
  type ClaimPath,
  type ClaimPreset,
} from './tokens/claim-mapping.js';
export { tokenVerifierOptionsFromConfig } from './tokens/token-options-from-config.js';
export { hashToken } from './tokens/verified-token-cache.js';
export { INVALID_TOKEN_MESSAGE, EXPIRED_TOKEN_MESSAGE } from './tokens/token-errors.js';
// --- end tokens ---
// --- the pipeline: decorators, stages, audit, plugin ---
export { Authenticated, TOKEN_DECISION, type AuthenticatedOptions } from './decorators/authenticated.js';
export {
  allow,
  Authorize,
  deny,
  POLICY_DECISION,
  type AuthorizationPolicy,
  type PolicyClass,
  type PolicyDecision,
  type PolicyInput,
} from './decorators/authorize.js';
export {
  AUTH_STAGE,
  AUTH_STAGE_REMOVED,
  STAGE_ORDER,
  requireVerifiedToken,
  type AuthStage,
  type AuthRequirements,
  type AuthRequirementKind,
  type AuthCallState,
  type StageCheck,
  type StreamControl,
} from './pipeline/stage.js';
export { checkStageCoverage, requiredKinds, type PlannedStage } from './pipeline/stage-coverage.js';
export { AUTH_TOKENS, type AuthPipelineSettings } from './pipeline/tokens.js';
export { PeerIdentityStage } from './pipeline/peer-identity-stage.js';
export { MtlsStage } from './pipeline/mtls-stage.js';
export { TokenStage } from './pipeline/token-stage.js';
export { BindingStage } from './pipeline/binding-stage.js';
export { OneTimeUseStage } from './pipeline/one-time-stage.js';
export { AuthorizationStage } from './pipeline/authorization-stage.js';
export { InMemoryReplayStore, type ReplayStore } from './pipeline/replay-store.js';
export { DefaultAuthAuditor, type AuthAuditor, type AuthDecisionEvent, type AuditLevels } from './pipeline/auditor.js';
export { authInterceptor } from './pipeline/auth-interceptor.js';
export { authPipelineConfigSchema } from './pipeline/pipeline-config-schema.js';
export { bearerTokenOf } from './pipeline/bearer.js';
export { requirementsOf } from './pipeline/requirements.js';
export { resolveStages } from './pipeline/resolve-stages.js';
export { rampartAuth, RAMPART_AUTH, type RampartAuthOptions, type AuthConfig } from './plugin.js';
// --- end pipeline ---
export { fetchTrusting } from './tokens/fetch-trusting.js';
