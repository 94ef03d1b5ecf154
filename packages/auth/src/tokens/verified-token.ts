import type { Principal } from '@rampart/core';
import type { JWTPayload } from 'jose';
import { invalidToken, quote } from './token-errors.js';
import type { VerifiedToken } from './token-types.js';

const MAX_ACTOR_DEPTH = 10;

/**
 * Builds the {@link VerifiedToken} of verified claims: `sub` must be a non-empty string; `client_id`, `scope` (space
 * separated), `scp` (list or space-separated string), `act` (nested `{ sub, act }`, outermost actor first), `jti`
 * and `cnf["x5t#S256"]` must have their proper types when present (a malformed binding must never read as "not
 * bound"). The claims are deep-frozen.
 *
 * @example
 * ```ts
 * const verified = toVerifiedToken(payload, sha256Base64url(token));
 * verified.principal.scopes.has('inventory:read');
 * ```
 */
export function toVerifiedToken(payload: JWTPayload, tokenHash: string): VerifiedToken {
  const { sub, iss, exp } = payload;
  if (typeof sub !== 'string' || sub === '') throw invalidToken(`claim "sub" missing or not a string (got ${quote(sub)})`);
  const clientId = optionalString(payload, 'client_id');
  const principal: Principal = {
    subject: sub,
    issuer: iss as string,
    clientId,
    scopes: new Set(scopes(payload)),
    actors: Object.freeze(actors(payload.act)),
    expiresAt: new Date((exp as number) * 1000),
    claims: deepFreeze(payload),
  };
  const jti = optionalString(payload, 'jti');
  const thumbprint = confirmation(payload.cnf);
  return {
    principal,
    tokenHash,
    ...(jti === undefined ? {} : { jti }),
    ...(thumbprint === undefined ? {} : { confirmationThumbprint: thumbprint }),
  };
}

function optionalString(payload: JWTPayload, claim: string): string | undefined {
  const value = payload[claim];
  if (value !== undefined && typeof value !== 'string') {
    throw invalidToken(`claim "${claim}" must be a string (got ${quote(value)})`);
  }
  return value;
}

function scopes(payload: JWTPayload): string[] {
  const result: string[] = [];
  for (const claim of ['scope', 'scp'] as const) {
    const value = payload[claim];
    if (value === undefined) continue;
    if (typeof value === 'string') result.push(...value.split(' ').filter((s) => s !== ''));
    else if (claim === 'scp' && Array.isArray(value) && value.every((s) => typeof s === 'string')) result.push(...value);
    else throw invalidToken(`claim "${claim}" must be a string${claim === 'scp' ? ' or a list of strings' : ''}`);
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

function confirmation(cnf: unknown): string | undefined {
  if (cnf === undefined) return undefined;
  if (typeof cnf !== 'object' || cnf === null) throw invalidToken('claim "cnf" must be an object');
  const thumbprint = (cnf as Record<string, unknown>)['x5t#S256'];
  if (thumbprint !== undefined && (typeof thumbprint !== 'string' || thumbprint === '')) {
    throw invalidToken('claim "cnf" has a malformed "x5t#S256"');
  }
  return thumbprint;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
