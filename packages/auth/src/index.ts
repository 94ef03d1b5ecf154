// --- mTLS: @RequireMtls, its rule, check, interceptor, and the rampart-auth plugin ---
export { RequireMtls, MTLS_DECISION, type RequireMtlsOptions } from './mtls/require-mtls.js';
export { compileMtlsRule, type MtlsRule } from './mtls/mtls-rule.js';
export { checkMtls } from './mtls/check-mtls.js';
export { mtlsInterceptor } from './mtls/mtls-interceptor.js';
export { describeMtlsRule } from './mtls/describe-mtls-rule.js';
export { rampartAuth, type RampartAuthOptions } from './mtls/rampart-auth-plugin.js';
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
export { tokenConfigSchema } from './tokens/token-config-schema.js';
export { tokenVerifierOptionsFromConfig } from './tokens/token-options-from-config.js';
export { hashToken } from './tokens/verified-token-cache.js';
export { INVALID_TOKEN_MESSAGE, EXPIRED_TOKEN_MESSAGE } from './tokens/token-errors.js';
// --- end tokens ---
