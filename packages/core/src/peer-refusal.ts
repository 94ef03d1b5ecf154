import { createContextKey, type ContextKey } from './context.js';

/**
 * Why the transport did not count the client certificate of the call's connection, when it did not: TLS verified
 * the certificate, but a further rule refused it (its chain does not lead to a CA in the trust bundle of the trust
 * domain in its own SPIFFE ID). `ctx.peer` is then undefined, as without a certificate; this says why, for the
 * audit log. Undefined when there was no such refusal.
 *
 * @example
 * ```ts
 * if (ctx.peer === undefined) reason = ctx.values.get(PEER_REFUSAL) ?? 'no verified client certificate was presented';
 * ```
 */
export const PEER_REFUSAL: ContextKey<string | undefined> = createContextKey<string | undefined>(undefined, {
  description: 'rampart.peerRefusal',
});
