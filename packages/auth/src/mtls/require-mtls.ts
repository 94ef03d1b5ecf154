import { authDecisionDecorator, type DecisionDecorator } from '@rampart/core';
import { compileMtlsRule } from './mtls-rule.js';

/** The auth decision kind recorded by {@link RequireMtls} and enforced by the mTLS stage of the auth pipeline (`MtlsStage`). */
export const MTLS_DECISION = 'mtls';

/**
 * Options of {@link RequireMtls}.
 *
 * @example
 * ```ts
 * const options: RequireMtlsOptions = { allow: ['spiffe://demo.rampart.dev/orders'] };
 * ```
 */
export interface RequireMtlsOptions {
  /**
   * Who may call: exact SPIFFE IDs (`spiffe://prod.example/ns/payments/api`), whole trust domains
   * (`spiffe://prod.example`), or path prefixes (`spiffe://prod.example/ns/payments/*`, which matches
   * `/ns/payments/<one or more segments>` but not `/ns/payments` itself). Omitted or empty: any client certificate
   * that chains to the server's trust bundle and carries a valid SPIFFE ID.
   */
  readonly allow?: readonly string[];
}

/**
 * Requires a verified client certificate with a SPIFFE ID, optionally from an allow list. On a class it applies to
 * every method; on a method it replaces its own class's `@RequireMtls`. Counts as an auth decision. The rules of
 * base classes (on the class, or on a method a subclass overrides) still apply: every rule that applies must allow
 * the peer (docs/security/decisions.md). The allow list is
 * validated and compiled here, when the class is defined, so a typo stops the app before it starts.
 *
 * No certificate, or one without a valid SPIFFE ID → UNAUTHENTICATED; an ID not allowed → PERMISSION_DENIED.
 *
 * @throws TypeError naming an invalid `allow` entry and what is wrong with it.
 *
 * @example
 * ```ts
 * @GrpcService(InventoryServiceDescriptor)
 * @RequireMtls({ allow: ['spiffe://demo.rampart.dev/orders'] })
 * export class InventoryService {
 *   @RequireMtls({ allow: ['spiffe://demo.rampart.dev/ns/ops/*'] })
 *   async audit(req: AuditRequest): Promise<AuditResponse> { ... }
 * }
 * ```
 */
export function RequireMtls(options: RequireMtlsOptions = {}): DecisionDecorator {
  return authDecisionDecorator({ kind: MTLS_DECISION, options: compileMtlsRule(options.allow) });
}
