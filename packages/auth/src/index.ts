// --- mTLS: @RequireMtls, its rule, check, interceptor, and the rampart-auth plugin ---
export { RequireMtls, MTLS_DECISION, type RequireMtlsOptions } from './mtls/require-mtls.js';
export { compileMtlsRule, type MtlsRule } from './mtls/mtls-rule.js';
export { checkMtls } from './mtls/check-mtls.js';
export { mtlsInterceptor } from './mtls/mtls-interceptor.js';
export { describeMtlsRule } from './mtls/describe-mtls-rule.js';
export { rampartAuth, type RampartAuthOptions } from './mtls/rampart-auth-plugin.js';
// --- end mTLS ---
