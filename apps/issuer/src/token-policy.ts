import { errors, type ResourceServerInfo } from 'oidc-provider';
import type { ClientPolicy } from './clients.js';
import { SIGNING_ALG } from './key-file.js';

/**
 * What the issuer decides for one token request: the resource (audience) and the scopes. Shared by client
 * credentials (through `getResourceServerInfo`) and token exchange, so both enforce the same per-client rules.
 */
export interface ResourceGrant {
  readonly resource: string;
  readonly scopes: readonly string[];
}

/**
 * Checks a request for `resource` with `requestedScope` (space-separated, or undefined) against a client's policy.
 * No scope asked → every scope the client may have for that resource. A scope the client may not have for it (or
 * that the resource does not know) → `invalid_scope`, never a silent drop. A resource the client may not ask for →
 * `invalid_target`. The wire says little; `error_detail` (logged) says why.
 *
 * @example
 * ```ts
 * const { scopes } = grantFor(policy, 'spiffe://demo.rampart.dev/inventory', 'inventory:read');
 * ```
 */
export function grantFor(policy: ClientPolicy | undefined, resource: string, requestedScope: unknown): ResourceGrant {
  const allowed = policy?.resources.get(resource);
  if (policy === undefined || allowed === undefined) {
    throw new errors.InvalidTarget(undefined, {
      detail: `client "${policy?.clientId ?? '?'}" may not request tokens for resource "${resource}"`,
    });
  }
  const requested = typeof requestedScope === 'string' ? requestedScope.split(' ').filter((s) => s !== '') : [];
  if (requested.length === 0) return { resource, scopes: [...allowed] };
  const refused = requested.filter((scope) => !allowed.has(scope));
  if (refused.length > 0) {
    throw new errors.InvalidScope('requested scope is not allowed', refused.join(' '), {
      detail: `client "${policy.clientId}" may not have scope(s) "${refused.join(' ')}" for resource "${resource}"`,
    });
  }
  return { resource, scopes: [...new Set(requested)] };
}

/**
 * The resource server description oidc-provider builds a token from: a JWT access token (`typ: at+jwt`) signed
 * ES256, audience = the resource, scopes = the granted ones.
 *
 * @example
 * ```ts
 * new provider.ResourceServer(grant.resource, resourceServerInfo(grant, 300));
 * ```
 */
export function resourceServerInfo(grant: ResourceGrant, accessTokenTtlSec: number): ResourceServerInfo {
  return {
    scope: grant.scopes.join(' '),
    audience: grant.resource,
    accessTokenFormat: 'jwt',
    accessTokenTTL: accessTokenTtlSec,
    jwt: { sign: { alg: SIGNING_ALG } },
  };
}
