import { GrpcService, type CallContext } from '@rampart/core';
import { allow, Authenticated, Authorize, deny, RequireMtls, type AuthorizationPolicy, type PolicyDecision, type PolicyInput } from '../../src/index.js';
import {
  VaultServiceDescriptor,
  type ReadRequest__Output,
  type Secret,
  type Secret__Output,
  type StoreResponse,
} from '../generated/index.js';

/** One handler run: which method, and the principal and peer the handler saw. */
export interface HandlerRun {
  readonly method: 'read' | 'watch' | 'store' | 'exchange';
  readonly subject: string | undefined;
  readonly issuer: string | undefined;
  readonly peer: string | undefined;
  readonly clientId: string | undefined;
  readonly scopes: readonly string[];
  readonly roles: readonly string[];
}

/** The subject {@link NotBlocked} refuses. */
export const BLOCKED_SUBJECT = 'mallory';

/** A policy resolved from the container: refuses one subject, so `@Authorize` is exercised end to end. */
export class NotBlocked implements AuthorizationPolicy {
  authorize({ principal }: PolicyInput): PolicyDecision {
    return principal?.subject === BLOCKED_SUBJECT ? deny('subject is blocked') : allow();
  }
}

/**
 * The vault the attack and fault suites call, one protection variant per call kind, so that every attack has a
 * method it applies to:
 *
 * | method   | kind          | mTLS            | token                                               |
 * | -------- | ------------- | --------------- | --------------------------------------------------- |
 * | read     | unary         | any workload    | class: scope `vault:read`                           |
 * | watch    | server stream | none            | scope `vault:read`, only from `onlyIssuer`          |
 * | store    | client stream | any workload    | scope `vault:write`, `boundToCertificate`           |
 * | exchange | bidi          | any workload    | scope `vault:read`, `oneTimeUse`                    |
 *
 * Every method also has the class's `@Authorize(NotBlocked)`. A token bound to the caller's certificate with
 * `scope: 'vault:read vault:write'` from `onlyIssuer` passes all four. `ran` records every handler that started.
 */
export function attackVault(onlyIssuer: string) {
  const ran: HandlerRun[] = [];
  const record = (method: HandlerRun['method'], ctx: CallContext): void =>
    void ran.push({
      method,
      subject: ctx.principal?.subject,
      issuer: ctx.principal?.issuer,
      peer: ctx.peer?.spiffeId,
      clientId: ctx.principal?.clientId,
      scopes: [...(ctx.principal?.scopes ?? [])],
      roles: [...(ctx.principal?.roles ?? [])],
    });

  @GrpcService(VaultServiceDescriptor)
  @Authenticated({ scopes: ['vault:read'] })
  @Authorize(NotBlocked)
  class AttackVault {
    @RequireMtls()
    read(req: ReadRequest__Output, ctx: CallContext): Promise<Secret> {
      record('read', ctx);
      return Promise.resolve({ name: req.name, value: ctx.principal?.subject ?? '' });
    }

    @Authenticated({ scopes: ['vault:read'], issuer: onlyIssuer })
    async *watch(req: ReadRequest__Output, ctx: CallContext): AsyncIterable<Secret> {
      record('watch', ctx);
      yield { name: req.name, value: ctx.principal?.subject ?? '' };
      yield { name: req.name, value: 'done' };
    }

    @RequireMtls()
    @Authenticated({ scopes: ['vault:write'], boundToCertificate: true })
    async store(secrets: AsyncIterable<Secret__Output>, ctx: CallContext): Promise<StoreResponse> {
      record('store', ctx);
      let stored = 0;
      for await (const _secret of secrets) stored += 1;
      return { stored };
    }

    @RequireMtls()
    @Authenticated({ scopes: ['vault:read'], oneTimeUse: true })
    async *exchange(secrets: AsyncIterable<Secret__Output>, ctx: CallContext): AsyncIterable<Secret> {
      record('exchange', ctx);
      for await (const secret of secrets) yield { name: secret.name, value: secret.value.toUpperCase() };
    }
  }

  return { AttackVault, ran };
}
