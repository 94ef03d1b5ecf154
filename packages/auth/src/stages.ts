// @rampart/auth/stages: the contract for plugins that add, replace or remove stages of the auth pipeline
// (docs/guides/plugins.md), and the built-in stages themselves.
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
export { AUTH_TOKENS, type AuthPipelineSettings } from './pipeline/tokens.js';
export { PeerIdentityStage } from './pipeline/peer-identity-stage.js';
export { MtlsStage } from './pipeline/mtls-stage.js';
export { TokenStage } from './pipeline/token-stage.js';
export { BindingStage } from './pipeline/binding-stage.js';
export { OneTimeUseStage } from './pipeline/one-time-stage.js';
export { AuthorizationStage } from './pipeline/authorization-stage.js';
export { resolveStages } from './pipeline/resolve-stages.js';
export { checkStageCoverage, requiredKinds, type PlannedStage } from './pipeline/stage-coverage.js';
export { requirementsOf } from './pipeline/requirements.js';
export { bearerTokenOf } from './pipeline/bearer.js';
export { authInterceptor } from './pipeline/auth-interceptor.js';
// Types of the main entry that the stages' contract uses.
export type { AuthenticatedOptions } from './decorators/authenticated.js';
export type { AuthorizationPolicy, PolicyClass, PolicyDecision, PolicyInput, RequestPolicyInput } from './decorators/authorize.js';
export type { MtlsRule } from './mtls/mtls-rule.js';
export type { ReplayStore } from './pipeline/replay-store.js';
export type { TokenVerifier } from './tokens/token-verifier.js';
export type * from './tokens/token-types.js';
export type * from './tokens/claim-mapping.js';
export type * from './tokens/jwt-svid-types.js';
