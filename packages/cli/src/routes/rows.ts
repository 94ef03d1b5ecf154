import type { AuthenticatedOptions } from '@rampart/auth';
import { describeMtlsRule, MTLS_DECISION, POLICY_DECISION, TOKEN_DECISION, type MtlsRule } from '@rampart/auth/internal';
import type { MethodKind } from '@rampart/core';
import { PUBLIC_DECISION } from '@rampart/core/internal';
import type { AuthMatrixEntry } from '@rampart/server';

/**
 * One method of an app and what protects it, as `rampart routes` prints it (the JSON format is an array of these).
 *
 * @example
 * ```ts
 * const row: RouteRow = authMatrixRows(app.authMatrix())[0]!;
 * row.mtls?.allow; // ['spiffe://demo.rampart.dev/orders']
 * ```
 */
export interface RouteRow {
  readonly service: string;
  /** The RPC name, e.g. `GetStock`. */
  readonly method: string;
  /** The gRPC path, e.g. `/rampart.demo.inventory.v1.InventoryService/GetStock`. */
  readonly path: string;
  readonly kind: MethodKind;
  /** `Class.method` that serves it. */
  readonly handler: string;
  /** `@Public()`: no checks at all. */
  readonly public: boolean;
  /** `@RequireMtls`: the allow list (empty: any SPIFFE ID of the trust bundle) and its one-line description. */
  readonly mtls: { readonly allow: readonly string[]; readonly description: string } | null;
  /** `@Authenticated`: what the token must carry. */
  readonly token: {
    readonly scopes: readonly string[];
    readonly anyScopes: readonly string[];
    readonly audience: readonly string[];
    readonly issuer: readonly string[];
    readonly boundToCertificate: boolean;
    readonly oneTimeUse: boolean;
    readonly description: string;
  } | null;
  /** `@Authorize`: the policy class names, in order. */
  readonly policies: readonly string[];
  /** Decision kinds of other plugins, by kind. */
  readonly other: readonly string[];
  /** The interceptors that run for the method, in order. */
  readonly interceptors: readonly string[];
}

const list = (value: string | readonly string[] | undefined): string[] =>
  value === undefined ? [] : typeof value === 'string' ? [value] : [...value];

function tokenOf(options: AuthenticatedOptions): NonNullable<RouteRow['token']> {
  const token = {
    scopes: list(options.scopes),
    anyScopes: list(options.anyScopes),
    audience: list(options.audience),
    issuer: list(options.issuer),
    boundToCertificate: options.boundToCertificate === true,
    oneTimeUse: options.oneTimeUse === true,
  };
  const parts = ['required'];
  if (token.boundToCertificate) parts.push('bound to the client certificate');
  if (token.oneTimeUse) parts.push('one-time use');
  if (token.audience.length > 0) parts.push(`audience ${token.audience.join(' | ')}`);
  if (token.issuer.length > 0) parts.push(`issuer ${token.issuer.join(' | ')}`);
  return { ...token, description: parts.join(', ') };
}

/**
 * Turns an app's auth matrix (`app.authMatrix()`, the data of the start-up check) into rows: decisions by kind,
 * mTLS rules described with `describeMtlsRule`, token options spelled out.
 *
 * @example
 * ```ts
 * const rows = authMatrixRows(app.authMatrix());
 * ```
 */
export function authMatrixRows(matrix: readonly AuthMatrixEntry[]): RouteRow[] {
  return matrix.map((entry) => {
    let mtls: RouteRow['mtls'] = null;
    let token: RouteRow['token'] = null;
    let isPublic = false;
    const policies: string[] = [];
    const other: string[] = [];
    for (const decision of entry.decisions) {
      if (decision.kind === PUBLIC_DECISION) isPublic = true;
      else if (decision.kind === MTLS_DECISION) {
        const rule = decision.options as MtlsRule;
        mtls = { allow: [...rule.allow], description: describeMtlsRule(rule).replace(/^mTLS: /, '') };
      } else if (decision.kind === TOKEN_DECISION) token = tokenOf(decision.options as AuthenticatedOptions);
      else if (decision.kind === POLICY_DECISION) {
        const classes = (decision.options as { policies?: readonly { name?: string }[] }).policies ?? [];
        policies.push(...classes.map((p) => p.name || '(anonymous policy)'));
      } else other.push(decision.kind);
    }
    return {
      service: entry.service,
      method: entry.method,
      path: entry.path,
      kind: entry.kind,
      handler: entry.handler,
      public: isPublic,
      mtls,
      token,
      policies,
      other,
      interceptors: [...entry.interceptors],
    };
  });
}
