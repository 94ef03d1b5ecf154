import type { JWTPayload } from 'jose';
import { errors } from 'oidc-provider';
import type { ClientPolicy } from './clients.js';
import type { ResourceGrant } from './token-policy.js';

/**
 * What an exchanging client may have at `resource` in the name of the subject token: the scopes the subject token's
 * own scopes delegate there through the client's `exchange` map (the union over its scopes), narrowed to
 * `requestedScope` when one is asked. The client's full `resources` grant plays no part: a caller holding only
 * `orders:read` cannot make orders reserve stock in its name. A requested scope outside the delegated ones, or
 * nothing delegated at all → `invalid_scope` (refused, never dropped); `error_detail` (logged) says which scopes
 * the subject token had.
 *
 * @throws `invalid_scope` as above; `invalid_target` when the client may not exchange for `resource` at all.
 *
 * @example
 * ```ts
 * // orders: exchange { inventory: { 'orders:write': ['inventory:reserve'] } }; subject scope 'orders:read orders:write'
 * delegatedGrant(orders, INVENTORY, subject, undefined); // { resource: INVENTORY, scopes: ['inventory:reserve'] }
 * ```
 */
export function delegatedGrant(
  policy: ClientPolicy,
  resource: string,
  subject: JWTPayload,
  requestedScope: unknown,
): ResourceGrant {
  const delegations = policy.exchange.get(resource);
  if (delegations === undefined) {
    throw new errors.InvalidTarget(undefined, {
      detail: `client "${policy.clientId}" may not exchange tokens for resource "${resource}"`,
    });
  }
  const subjectScopes = scopesOf(subject['scope']);
  const delegated = new Set(subjectScopes.flatMap((scope) => [...(delegations.get(scope) ?? [])]));
  const requested = scopesOf(requestedScope);
  const had = `the subject token's scopes "${subjectScopes.join(' ')}"`;
  const refused = requested.filter((scope) => !delegated.has(scope));
  if (refused.length > 0) {
    throw new errors.InvalidScope('requested scope is not allowed', refused.join(' '), {
      detail: `${had} do not delegate "${refused.join(' ')}" at "${resource}" to client "${policy.clientId}"`,
    });
  }
  const scopes = requested.length > 0 ? [...new Set(requested)] : [...delegated];
  if (scopes.length === 0) {
    throw new errors.InvalidScope('no scope can be delegated', undefined, {
      detail: `${had} delegate no scope at "${resource}" to client "${policy.clientId}"`,
    });
  }
  return { resource, scopes };
}

/**
 * Checks the subject token's `may_act` claim (RFC 8693 §4.4), when it has one: the party it names must be the
 * exchanging client (`sub` = its SPIFFE ID, the identifier `act.sub` carries; `iss`, when present, this issuer).
 * `may_act` only ever narrows who may act: without it, the exchanging client's configuration decides.
 *
 * @throws `invalid_grant` for a malformed `may_act` or one naming another party.
 *
 * @example
 * ```ts
 * checkMayAct(subject, 'spiffe://demo.rampart.dev/orders', provider.issuer);
 * ```
 */
export function checkMayAct(subject: JWTPayload, actor: string, issuer: string): void {
  const mayAct: unknown = subject['may_act'];
  if (mayAct === undefined) return;
  if (typeof mayAct !== 'object' || mayAct === null || Array.isArray(mayAct)) {
    throw new errors.InvalidGrant('subject_token has a malformed may_act claim');
  }
  const { sub, iss } = mayAct as { sub?: unknown; iss?: unknown };
  if (typeof sub !== 'string' || (iss !== undefined && typeof iss !== 'string')) {
    throw new errors.InvalidGrant('subject_token has a malformed may_act claim');
  }
  if (sub !== actor || (iss !== undefined && iss !== issuer)) {
    throw new errors.InvalidGrant(`subject_token's may_act ${JSON.stringify({ sub, iss })} does not name the exchanging client "${actor}"`);
  }
}

/** Scope names of a space-separated scope value; anything else counts as none. */
function scopesOf(value: unknown): string[] {
  return typeof value === 'string' ? value.split(' ').filter((scope) => scope !== '') : [];
}
