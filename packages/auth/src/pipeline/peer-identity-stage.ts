import { injectable } from 'inversify';
import type { CallContext, CallIdentityWriter } from '@rampart/core';
import { STAGE_ORDER, type AuthRequirements, type AuthStage, type StageCheck } from './stage.js';

/**
 * Peer identity: the server put the verified client certificate's identity on `ctx.peer` (once per connection).
 * TLS checks validity only at the handshake, and an HTTP/2 connection can outlive its certificate; this stage
 * drops a peer whose certificate has expired since, so the mTLS rule and certificate binding treat the call as
 * having no certificate.
 */
@injectable()
export class PeerIdentityStage implements AuthStage {
  readonly name = 'peer-identity';
  readonly order = STAGE_ORDER.peerIdentity;

  plan(requirements: AuthRequirements, identity: CallIdentityWriter): StageCheck | undefined {
    if (requirements.mtls.length === 0 && requirements.token === undefined) return undefined;
    return (ctx: CallContext) => {
      if (ctx.peer !== undefined && ctx.peer.notAfter.getTime() <= Date.now()) identity.withdrawPeer(ctx);
    };
  }
}
