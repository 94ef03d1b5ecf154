import { createHash } from 'node:crypto';
import { RampartError, type CallContext, type PeerIdentity, type Principal } from '@rampart/core';
import type { RateLimitKey } from './limit.js';

/** The key of calls that have neither what their limit keys on (no principal, no certificate): one shared budget. */
export const ANONYMOUS_KEY = '-';

/** Keys longer than this are replaced by their SHA-256, so a stored bucket's size is bounded whatever the caller sends. */
export const MAX_KEY_LENGTH = 128;

/** The key of a principal: its issuer and subject (an issuer is a URL: it has no space, so this names one principal). */
export const principalKey = (principal: Principal): string => bounded(`${principal.issuer} ${principal.subject}`);

/** The key of a peer: its SPIFFE ID, else its certificate's thumbprint. */
export const peerKey = (peer: PeerIdentity): string => (peer.spiffeId !== undefined ? bounded(peer.spiffeId) : `x5t:${peer.thumbprint}`);

const keyOfPrincipal = (ctx: CallContext): string => {
  const principal = ctx.principal;
  return principal !== undefined ? principalKey(principal) : keyOfPeer(ctx);
};

const keyOfPeer = (ctx: CallContext): string => (ctx.peer === undefined ? ANONYMOUS_KEY : peerKey(ctx.peer));

const methodKey = (): string => '';

/**
 * The function that gives a call's key for a limit's `key`, and the kind's name for logs and metrics.
 *
 * @example
 * ```ts
 * const { keyOf, kind } = keyFunction('principal');
 * keyOf(ctx); // 'https://issuer.example alice'
 * ```
 */
export function keyFunction(key: RateLimitKey | undefined): { keyOf: (ctx: CallContext) => string; kind: string } {
  switch (key ?? 'principal') {
    case 'principal':
      return { keyOf: keyOfPrincipal, kind: 'principal' };
    case 'peer':
      return { keyOf: keyOfPeer, kind: 'peer' };
    case 'method':
      return { keyOf: methodKey, kind: 'method' };
    default:
      return { keyOf: customKey(key as (ctx: CallContext) => string), kind: 'custom' };
  }
}

/** A key function of the app's own, checked on every call: a key that is not a string fails the call closed. */
function customKey(keyOf: (ctx: CallContext) => string): (ctx: CallContext) => string {
  return (ctx) => {
    const key: unknown = keyOf(ctx);
    if (typeof key !== 'string') {
      throw new RampartError('ERR_INTERNAL', 'internal error', { reason: `the rate limit's key function returned ${typeof key}, not a string` });
    }
    return bounded(key);
  };
}

/**
 * The key as it is stored: as given when short, else `sha256:` and its SHA-256 (base64url), so a bucket never holds a
 * long string from a token or a header.
 *
 * @example
 * ```ts
 * bounded('https://issuer.example alice'); // as it is
 * bounded('x'.repeat(500)); // 'sha256:…' (50 characters)
 * ```
 */
export function bounded(key: string): string {
  return key.length <= MAX_KEY_LENGTH ? key : `sha256:${createHash('sha256').update(key).digest('base64url')}`;
}
