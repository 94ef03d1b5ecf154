import type { MtlsRule } from './mtls-rule.js';

/**
 * A one-line, human-readable summary of an mTLS rule, for the auth matrix and the CLI.
 *
 * @example
 * ```ts
 * describeMtlsRule(compileMtlsRule(['spiffe://demo.rampart.dev/orders', 'spiffe://other.example/*']));
 * // 'mTLS: spiffe://demo.rampart.dev/orders, spiffe://other.example/*'
 * describeMtlsRule(compileMtlsRule([]));
 * // 'mTLS: any SPIFFE ID trusted by the trust bundle'
 * ```
 */
export function describeMtlsRule(rule: MtlsRule): string {
  return rule.allow.length === 0
    ? 'mTLS: any SPIFFE ID trusted by the trust bundle'
    : `mTLS: ${rule.allow.join(', ')}`;
}
