import { GrpcService, type CallContext } from '@rampart/core';
import { RequireMtls } from '../../src/index.js';
import {
  VaultServiceDescriptor,
  type ReadRequest__Output,
  type Secret,
  type Secret__Output,
  type StoreResponse,
} from '../generated/index.js';

/** Records which handlers ran, so refusals can be shown to have stopped before handler code. */
export const ran: string[] = [];

export const ORDERS = 'spiffe://test.rampart.dev/orders';

/** The vault's four handlers, undecorated; each records that it ran. */
export class VaultHandlers {
  read(req: ReadRequest__Output, ctx: CallContext): Promise<Secret> {
    ran.push('read');
    return Promise.resolve({ name: req.name, value: `for ${ctx.peer?.spiffeId ?? 'nobody'}` });
  }

  async *watch(req: ReadRequest__Output): AsyncIterable<Secret> {
    ran.push('watch');
    yield { name: req.name, value: '1' };
    yield { name: req.name, value: '2' };
  }

  async store(secrets: AsyncIterable<Secret__Output>): Promise<StoreResponse> {
    ran.push('store');
    let stored = 0;
    for await (const _secret of secrets) stored += 1;
    return { stored };
  }

  async *exchange(secrets: AsyncIterable<Secret__Output>): AsyncIterable<Secret> {
    ran.push('exchange');
    for await (const secret of secrets) yield { name: secret.name, value: secret.value.toUpperCase() };
  }
}

/** The vault for the mTLS tests: only the orders workload. */
@GrpcService(VaultServiceDescriptor)
@RequireMtls({ allow: [ORDERS] })
export class VaultService extends VaultHandlers {}
