import type { CallContext } from './context.js';
import type { Principal } from './identity.js';

/**
 * The only way to change who a call is. `CallContext.principal`, `peer` and `verifiedBearer` are read-only; the
 * server hands this writer (through `forMethod`'s {@link MethodGrants}) only to interceptors that enforce auth
 * decisions (`InterceptorDeclaration.enforces`), and the auth pipeline hands it to its stages. Each write is
 * allowed once per call and only before the handler runs: a second `authenticate`, or any write once the call was
 * admitted, throws `ERR_INTERNAL` (the call fails closed, the reason names the write).
 *
 * @example
 * ```ts
 * // In a custom auth stage (`@rampart/auth/stages`), given the writer by `plan(requirements, identity)`:
 * return (ctx) => {
 *   identity.authenticate(ctx, { subject: 'svc-a', issuer: 'https://idp.example', scopes: [], claims: {} });
 * };
 * ```
 */
export interface CallIdentityWriter {
  /** Sets `ctx.principal` (once per call). */
  authenticate(ctx: CallContext, principal: Principal): void;
  /**
   * Sets `ctx.verifiedBearer` (once per call): the bearer token every check verified, the only token a handler may
   * exchange downstream (`asCaller`).
   */
  acceptBearer(ctx: CallContext, bearer: string): void;
  /** Clears `ctx.peer`, e.g. when the client certificate expired after the handshake; a peer is never replaced. */
  withdrawPeer(ctx: CallContext): void;
}
