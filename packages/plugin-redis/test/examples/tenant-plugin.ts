import { RAMPART_AUTH } from '@rampart/auth';
import { AUTH_STAGE, type AuthRequirements, type AuthStage, type StageCheck } from '@rampart/auth/stages';
import { definePlugin, RampartError, type RampartPlugin } from '@rampart/core';
import { inject, injectable } from 'inversify';

/** Where the tenant's name comes from in the request metadata (configurable: `tenant.metadataKey`). */
export const TENANT_METADATA_KEY = Symbol.for('example.tenant.MetadataKey');

/** A custom authorization stage: the token's `tenant` claim must name the tenant the call is made for. */
@injectable()
export class TenantStage implements AuthStage {
  readonly name = 'tenant';
  readonly order = 520; // after the built-in authorization (500), before one-time use (550)
  readonly needs = ['token'] as const; // it reads the verified token's claims: start-up checks a token stage runs first

  constructor(@inject(TENANT_METADATA_KEY) private readonly metadataKey: string) {}

  plan({ token }: AuthRequirements): StageCheck | undefined {
    if (token === undefined) return undefined; // only methods that take a token
    return (ctx) => {
      const claimed = ctx.principal?.claims['tenant'];
      const [requested] = ctx.metadata.get(this.metadataKey);
      const deny = (reason: string) => new RampartError('ERR_POLICY_DENIED', 'permission denied', { reason });
      if (typeof claimed !== 'string' || claimed === '') throw deny('tenant: the token has no tenant claim');
      if (typeof requested !== 'string' || requested === '') throw deny(`tenant: no ${this.metadataKey} metadata`);
      if (claimed !== requested) throw deny(`tenant: token of tenant ${claimed} used for tenant ${requested}`);
    };
  }
}

/** The plugin: a config key, a binding, and the stage, through the public contract only. */
export function tenantPolicy(): RampartPlugin {
  return definePlugin({
    name: 'tenant-policy',
    dependencies: [RAMPART_AUTH],
    configSchema: {
      tenant: {
        metadataKey: { doc: 'Metadata key naming the tenant of a call.', format: String, default: 'x-tenant', env: 'TENANT_METADATA_KEY' },
      },
    },
    register({ container, config }) {
      container.bind(TENANT_METADATA_KEY).toConstantValue(config.get<string>('tenant.metadataKey'));
      container.bind(AUTH_STAGE).to(TenantStage).inSingletonScope();
    },
  });
}
