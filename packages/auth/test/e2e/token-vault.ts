import { GrpcService, type CallContext } from '@rampart/core';
import { Authenticated, RequireMtls } from '../../src/index.js';
import {
  VaultServiceDescriptor,
  type ReadRequest__Output,
  type Secret,
  type Secret__Output,
  type StoreResponse,
} from '../generated/index.js';

/** What the token-protected vault's handlers saw. */
export const seen: { method: string; subject: string | undefined }[] = [];

/** The vault, protected by mTLS (any workload of the test CA) and a bearer token with scope `vault:read`. */
@GrpcService(VaultServiceDescriptor)
@RequireMtls()
@Authenticated({ scopes: ['vault:read'] })
export class TokenVault {
  read(req: ReadRequest__Output, ctx: CallContext): Promise<Secret> {
    seen.push({ method: 'read', subject: ctx.principal?.subject });
    return Promise.resolve({ name: req.name, value: ctx.principal?.subject ?? '' });
  }

  async *watch(req: ReadRequest__Output, ctx: CallContext): AsyncIterable<Secret> {
    seen.push({ method: 'watch', subject: ctx.principal?.subject });
    for (let i = 0; i < 1_000 && !ctx.signal.aborted; i++) {
      yield { name: req.name, value: String(i) };
      await new Promise((r) => setTimeout(r, 50)); // a sleep on purpose: one message every 50 ms
    }
  }

  @Authenticated({ scopes: ['vault:write'], boundToCertificate: true })
  async store(secrets: AsyncIterable<Secret__Output>, ctx: CallContext): Promise<StoreResponse> {
    seen.push({ method: 'store', subject: ctx.principal?.subject });
    let stored = 0;
    for await (const _secret of secrets) stored += 1;
    return { stored };
  }

  @Authenticated({ scopes: ['vault:read'], oneTimeUse: true })
  async *exchange(secrets: AsyncIterable<Secret__Output>, ctx: CallContext): AsyncIterable<Secret> {
    seen.push({ method: 'exchange', subject: ctx.principal?.subject });
    for await (const secret of secrets) yield { name: secret.name, value: secret.value.toUpperCase() };
  }
}
