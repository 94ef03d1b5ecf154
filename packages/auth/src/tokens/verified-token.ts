import type { Principal } from '@rampart/core';
import type { JWTPayload } from 'jose';
import { CLAIM_PRESETS, type ClaimMapping, type ClaimPath } from './claim-mapping.js';
import { certificateConfirmation } from './confirmation.js';
import { invalidToken, quote } from './token-errors.js';
import type { VerifiedToken } from './token-types.js';

const MAX_ACTOR_DEPTH = 10;

/**
 * Builds the {@link VerifiedToken} of verified claims: `sub` must be a non-empty string; the claims `mapping` names
 * (the issuer's {@link ClaimMapping}; by default `client_id`, `scope` and `scp`) give the client id (a string: the
 * first present wins), the scopes and the roles (space-separated strings or lists of strings; a claim named `scope`
 * must be a string, RFC 9068), and `act` (nested `{ sub, act }`, outermost actor first) and `jti` must have their
 * proper types when present; `cnf` may only bind the token to a certificate (`x5t#S256`, see
 * {@link certificateConfirmation}: a malformed or unverifiable binding never reads as "not bound"). `issuer` is the
 * principal's issuer (default `iss`; a JWT-SVID's is its trust domain, `spiffe://<name>`). The result is immutable
 * (frozen objects, a scope set that refuses changes), so the verified-token cache
 * can hand the same object to every call that brings the token: no copy per call, and no handler can widen what a
 * later call is granted.
 *
 * @example
 * ```ts
 * const verified = toVerifiedToken(payload, sha256Base64url(token), CLAIM_PRESETS.entra);
 * verified.principal.scopes.has('inventory:read');
 * ```
 */
export function toVerifiedToken(
  payload: JWTPayload,
  tokenHash: string,
  mapping: ClaimMapping = CLAIM_PRESETS.default,
  issuer: string = payload.iss as string,
): VerifiedToken {
  const { sub, exp } = payload;
  if (typeof sub !== 'string' || sub === '') throw invalidToken(`claim "sub" missing or not a string (got ${quote(sub)})`);
  const principal: Principal = Object.freeze({
    subject: sub,
    issuer,
    clientId: clientIdOf(payload, mapping.clientId),
    scopes: new ScopeSet(stringsOf(payload, mapping.scopes)),
    roles: new ScopeSet(stringsOf(payload, mapping.roles)),
    actors: Object.freeze(actors(payload.act)),
    expiresAt: new ReadonlyDate((exp as number) * 1000),
    claims: deepFreeze(payload),
  });
  const jti = optionalString(payload, 'jti');
  const thumbprint = certificateConfirmation(payload.cnf);
  return Object.freeze({
    principal,
    tokenHash,
    ...(jti === undefined ? {} : { jti }),
    ...(thumbprint === undefined ? {} : { confirmationThumbprint: thumbprint }),
  });
}

/**
 * The granted scopes: a `Set` (so `instanceof Set`, iteration and `new Set(scopes)` work) whose `add`, `delete` and
 * `clear` throw. Shared by every call that brings the same token.
 */
export class ScopeSet extends Set<string> {
  readonly #sealed: boolean;

  constructor(scopes: Iterable<string>) {
    super();
    for (const scope of scopes) super.add(scope);
    this.#sealed = true;
    Object.freeze(this);
  }

  override add(scope: string): this {
    if (this.#sealed) throw new TypeError('the scopes of a verified token are read-only');
    return super.add(scope);
  }

  override delete(): boolean {
    throw new TypeError('the scopes of a verified token are read-only');
  }

  override clear(): void {
    throw new TypeError('the scopes of a verified token are read-only');
  }
}

/**
 * The token's expiry: a `Date` (so `instanceof Date`, `getTime()` and formatting work) whose setters throw. The
 * principal is shared by every call that brings the token, and the auth pipeline schedules a stream's end and a
 * one-time token's replay record from this date: a handler that moved it (`expiresAt.setMinutes(...)` to compute
 * something, say) would change them for later calls.
 */
export class ReadonlyDate extends Date {
  constructor(ms: number) {
    super(ms);
    Object.freeze(this);
  }
}
for (const name of Object.getOwnPropertyNames(Date.prototype).filter((n) => n.startsWith('set'))) {
  Object.defineProperty(ReadonlyDate.prototype, name, {
    value: function readOnly(): never {
      throw new TypeError('the expiry of a verified token is read-only (copy it: new Date(expiresAt))');
    },
  });
}
Object.freeze(ReadonlyDate.prototype);

function optionalString(payload: JWTPayload, claim: string): string | undefined {
  const value = payload[claim];
  if (value !== undefined && typeof value !== 'string') {
    throw invalidToken(`claim "${claim}" must be a string (got ${quote(value)})`);
  }
  return value;
}

/** The value at `path` (a top-level name, or names into nested objects); undefined when any step is missing. */
function claimAt(payload: JWTPayload, path: ClaimPath): unknown {
  if (typeof path === 'string') return payload[path];
  let value: unknown = payload;
  for (const name of path) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[name];
  }
  return value;
}

const claimName = (path: ClaimPath): string => (typeof path === 'string' ? path : path.join('.'));

function clientIdOf(payload: JWTPayload, paths: readonly ClaimPath[]): string | undefined {
  for (const path of paths) {
    const value = claimAt(payload, path);
    if (value === undefined) continue;
    if (typeof value !== 'string') throw invalidToken(`claim "${claimName(path)}" must be a string (got ${quote(value)})`);
    return value;
  }
  return undefined;
}

function stringsOf(payload: JWTPayload, paths: readonly ClaimPath[]): string[] {
  const result: string[] = [];
  for (const path of paths) {
    const value = claimAt(payload, path);
    if (value === undefined) continue;
    // RFC 9068 §2.2.3: `scope` is a space-separated string; other claims (scp, roles, permissions) are often lists.
    const listAllowed = path !== 'scope';
    if (typeof value === 'string') result.push(...value.split(' ').filter((s) => s !== ''));
    else if (listAllowed && Array.isArray(value) && value.every((s) => typeof s === 'string')) result.push(...value);
    else throw invalidToken(`claim "${claimName(path)}" must be a string${listAllowed ? ' or a list of strings' : ''}`);
  }
  return result;
}

function actors(act: unknown): string[] {
  const chain: string[] = [];
  let current = act;
  while (current !== undefined) {
    if (typeof current !== 'object' || current === null) throw invalidToken('claim "act" malformed: not an object');
    const { sub, act: next } = current as { sub?: unknown; act?: unknown };
    if (typeof sub !== 'string' || sub === '') throw invalidToken('claim "act" malformed: an actor without "sub"');
    if (chain.length === MAX_ACTOR_DEPTH) throw invalidToken(`claim "act" nests more than ${MAX_ACTOR_DEPTH} actors`);
    chain.push(sub);
    current = next;
  }
  return chain;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
