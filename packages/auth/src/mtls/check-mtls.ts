import { RampartError, type PeerIdentity } from '@rampart/core';
import type { MtlsRule } from './mtls-rule.js';

const SCHEME = 'spiffe://';
const SLASH = 0x2f;
const MAX_SHOWN_URI = 256;

/**
 * Checks a call's peer against an mTLS rule; returns nothing when the peer may call, and throws otherwise. Pure
 * and synchronous; allocates nothing when the peer is allowed. The message sent to the client is short and
 * generic; `reason` says exactly why, for the audit log.
 *
 * - no verified client certificate → `ERR_NO_CLIENT_CERTIFICATE` (UNAUTHENTICATED); `refusal` is the reason the
 *   transport gave for not counting a certificate that was sent (`PEER_REFUSAL`), for the audit
 * - a certificate without one valid SPIFFE ID → `ERR_UNAUTHENTICATED` (UNAUTHENTICATED)
 * - a SPIFFE ID the rule does not allow → `ERR_PEER_NOT_ALLOWED` (PERMISSION_DENIED)
 *
 * @throws RampartError as listed above.
 *
 * @example
 * ```ts
 * const rule = compileMtlsRule(['spiffe://demo.rampart.dev/orders']);
 * checkMtls(rule, ctx.peer); // throws RampartError('ERR_PEER_NOT_ALLOWED', 'peer not allowed', { reason })
 * ```
 */
export function checkMtls(rule: MtlsRule, peer: PeerIdentity | undefined, refusal?: string): void {
  if (peer === undefined) {
    throw new RampartError('ERR_NO_CLIENT_CERTIFICATE', 'client certificate required', {
      reason: refusal ?? 'no verified client certificate was presented',
    });
  }
  const id = peer.spiffeId;
  if (id === undefined) {
    throw new RampartError('ERR_UNAUTHENTICATED', 'client certificate has no valid SPIFFE ID', {
      reason: noSpiffeIdReason(peer),
    });
  }
  if (rule.allow.length === 0 || allows(rule, id, peer.trustDomain)) return;
  throw new RampartError('ERR_PEER_NOT_ALLOWED', 'peer not allowed', {
    reason: `${id} not in allow list [${rule.allow.join(', ')}]`,
  });
}

function allows(rule: MtlsRule, id: string, trustDomain: string | undefined): boolean {
  if (rule.ids.has(id)) return true;
  // The transport fills `trustDomain` from the same URI; check that it really is this ID's trust domain anyway.
  if (
    trustDomain !== undefined &&
    rule.trustDomains.has(trustDomain) &&
    id.startsWith(SCHEME) &&
    id.startsWith(trustDomain, SCHEME.length) &&
    id.charCodeAt(SCHEME.length + trustDomain.length) === SLASH
  ) {
    return true;
  }
  const prefixes = rule.prefixes;
  for (let i = 0; i < prefixes.length; i++) {
    const prefix = prefixes[i] as string;
    if (id.length > prefix.length && id.startsWith(prefix)) return true;
  }
  return false;
}

function noSpiffeIdReason(peer: PeerIdentity): string {
  const uris = peer.uris;
  if (uris.length === 0) return 'client certificate has no URI SAN';
  if (uris.length > 1) return `client certificate has ${uris.length} URI SANs; an X.509-SVID has exactly one`;
  const uri = uris[0] as string;
  const shown = uri.length > MAX_SHOWN_URI ? `${uri.slice(0, MAX_SHOWN_URI)}…` : uri;
  return `client certificate URI SAN ${JSON.stringify(shown)} is not a valid SPIFFE ID`;
}
