import { GrpcService, Public, type CallContext } from '@rampart/core';
import { allow, Authenticated, Authorize, RequireMtls, type AuthorizationPolicy, type PolicyDecision, type PolicyInput } from '../../src/index.js';
import { VaultServiceDescriptor, type ReadRequest__Output, type Secret } from '../generated/index.js';
import { ORDERS, ran, VaultHandlers } from './vault-service.js';

export { ORDERS, ran } from './vault-service.js';

// Service classes built by inheritance, as in the two attacks of issue 16 item 3. Each handler records that it ran.

/** The methods the policy was asked about (the handlers that ran are in `ran`). */
export const asked: string[] = [];

/** A policy that allows everything and records that it was asked. */
export class AllowAndRecord implements AuthorizationPolicy {
  authorize({ method }: PolicyInput): PolicyDecision {
    asked.push(method.name);
    return allow();
  }
}

/** Attack 1, the base: only the orders workload, with a token that has `vault:read`. */
@RequireMtls({ allow: [ORDERS] })
@Authenticated({ scopes: ['vault:read'] })
export class GuardedVaultBase extends VaultHandlers {}

/**
 * Attack 1, the subclass: adds a policy at class level. Before decisions added up along the chain, this class-level
 * list replaced its base's, and the vault served anyone without a certificate or a token.
 */
@GrpcService(VaultServiceDescriptor)
@Authorize(AllowAndRecord)
export class AuditedVault extends GuardedVaultBase {}

/** Attack 2, the base: a vault whose `read` is public. */
export class OpenReadBase extends VaultHandlers {
  @Public()
  override read(req: ReadRequest__Output, ctx: CallContext): Promise<Secret> {
    return super.read(req, ctx);
  }
}

/**
 * Attack 2, the subclass: every method needs the orders workload, and `read` is overridden without decorators.
 * Before, the override inherited the base's `@Public()`, which dropped this class's `@RequireMtls`.
 */
@GrpcService(VaultServiceDescriptor)
@RequireMtls({ allow: [ORDERS] })
export class LockedVault extends OpenReadBase {
  override read(req: ReadRequest__Output, ctx: CallContext): Promise<Secret> {
    ran.push('override');
    return super.read(req, ctx);
  }
}

/** Two `@Authenticated` that apply to one method from two classes of the chain: start-up stops. */
@GrpcService(VaultServiceDescriptor)
@Authenticated({ scopes: ['vault:write'] })
export class DoublyAuthenticatedVault extends GuardedVaultBase {}
