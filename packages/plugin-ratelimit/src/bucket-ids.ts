import type { CallContext, PeerIdentity, Principal } from '@rampart/core';
import type { BucketStore } from './bucket-store.js';
import { ANONYMOUS_KEY, principalKey, peerKey } from './call-key.js';
import type { ResolvedLimit } from './limit.js';

/**
 * The function that names a call's bucket in `store` for one limit. For the built-in keys the id is made once per
 * principal (a verified token's principal is one object for as long as the token is cached) or per connection (its
 * peer identity is one object), and kept in a WeakMap, so a call builds no string: a fresh string would cost a
 * concatenation and a hash on every lookup. A key function's id is made on every call.
 *
 * @example
 * ```ts
 * const idOf = bucketIds(limit, store);
 * await store.take(idOf(ctx), limit, now);
 * ```
 */
export function bucketIds(limit: Pick<ResolvedLimit, 'keyKind' | 'keyOf' | 'bucket'>, store: BucketStore): (ctx: CallContext) => string {
  const { bucket, keyOf } = limit;
  if (limit.keyKind === 'method') {
    const id = store.idOf(bucket, '');
    return () => id;
  }
  if (limit.keyKind === 'custom') return (ctx) => store.idOf(bucket, keyOf(ctx));
  const anonymous = store.idOf(bucket, ANONYMOUS_KEY);
  const byPeer = new WeakMap<PeerIdentity, string>();
  const ofPeer = (peer: PeerIdentity | undefined): string => {
    if (peer === undefined) return anonymous;
    let id = byPeer.get(peer);
    if (id === undefined) byPeer.set(peer, (id = store.idOf(bucket, peerKey(peer))));
    return id;
  };
  if (limit.keyKind === 'peer') return (ctx) => ofPeer(ctx.peer);
  const byPrincipal = new WeakMap<Principal, string>();
  return (ctx) => {
    const principal = ctx.principal;
    if (principal === undefined) return ofPeer(ctx.peer);
    let id = byPrincipal.get(principal);
    if (id === undefined) byPrincipal.set(principal, (id = store.idOf(bucket, principalKey(principal))));
    return id;
  };
}
