// @rampart/auth/internal: what Rampart's own packages and tools use (`rampart routes`, the benchmarks, the fuzz
// targets). No compatibility promise: it changes with the framework's internals.
export { MTLS_DECISION } from './mtls/require-mtls.js';
export { compileMtlsRule, type MtlsRule } from './mtls/mtls-rule.js';
export { checkMtls } from './mtls/check-mtls.js';
export { describeMtlsRule } from './mtls/describe-mtls-rule.js';
export { TOKEN_DECISION } from './decorators/authenticated.js';
export { POLICY_DECISION } from './decorators/authorize.js';
export { TOKEN_VERIFIER_DEFAULTS } from './tokens/verifier-settings.js';
export { CLAIM_PRESETS, resolveClaimMapping } from './tokens/claim-mapping.js';
export { tokenVerifierOptionsFromConfig } from './tokens/token-options-from-config.js';
export { hashToken } from './tokens/verified-token-cache.js';
export { INVALID_TOKEN_MESSAGE, EXPIRED_TOKEN_MESSAGE } from './tokens/token-errors.js';
export { fetchTrusting, fetchTrustingCa } from './tokens/fetch-trusting.js';
export { fastPathOf, type VerifierFastPath } from './tokens/token-verifier.js';
export type { CachedVerification } from './tokens/verified-token-cache.js';
export type { CallBounds } from './tokens/deadline.js';
// Types of the main entry that the names above use.
export { ASYMMETRIC_ALGORITHMS } from './tokens/token-types.js';
export type { TokenVerifier } from './tokens/token-verifier.js';
export type * from './tokens/token-types.js';
export type * from './tokens/claim-mapping.js';
export type * from './tokens/jwt-svid-types.js';
