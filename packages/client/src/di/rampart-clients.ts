import { definePlugin, RampartError, type ConfigReader, type Logger, type RampartPlugin, type ServiceDescriptor } from '@rampart/core';
import { transportTlsConfigSchema } from '@rampart/pki';
import { createClient, closeClient } from '../create-client.js';
import { checkRetrySettings, type LoadBalancingPolicy, type RetrySettings } from '../service-config.js';
import type { MtlsChannel } from '../tls/mtls-channel-credentials.js';
import { channelFactory, jwtSourceLease, workloadTokenAgents } from './client-channels.js';
import { TokenClient, type TokenSource } from '../tokens/token-client.js';
import { JwtSvidTokens } from '../tokens/jwt-svid-tokens.js';
import { clientAuthenticationFrom } from './client-auth-config.js';
import { clientOf } from './client-of.js';
import { clientsConfigSchema, targetEnvPrefix, type ClientsConfig } from './clients-config.js';

/** A service this workload calls. */
export interface ClientTarget {
  readonly descriptor: ServiceDescriptor;
  /** The folder the service's proto file is relative to. */
  readonly protoRoot: string;
  /** More folders its imports are looked up in (see `CreateClientOptions.protoIncludeDirs`). */
  readonly protoIncludeDirs?: readonly string[];
}

/** The DI token of the workload's `TokenClient` (bound when `auth.client.issuer` is set). */
export const TOKEN_CLIENT = Symbol.for('rampart.client.TokenClient');

/**
 * Typed clients for the services this workload calls, bound in the container under `clientOf(descriptor)`. Each
 * target is configured under `clients.<name>.*` (address, expected server SPIFFE ID, token audience, deadline,
 * keepalive, load-balancing policy, retry policy of idempotent methods); the channel uses the workload's own
 * certificate and trust bundles (`transport.tls.*`, re-read every `transport.tls.refreshIntervalMs` and on SIGHUP through
 * the app's `onReload`) and checks the server's SPIFFE ID; tokens come from `auth.client.*` (client credentials, or token exchange for
 * calls made with `asCaller`). A target that is sent tokens (`audience` set) must pin the server's SPIFFE ID
 * (`expectedServerId`), or start-up stops naming the setting; `allowUnpinnedServer` opts out, with a warning.
 *
 * The plugin's config is typed by the target names: `app.config.get('clients.inventory.address')` is a string.
 *
 * @example
 * ```ts
 * createApp({ ..., plugins: [rampartAuth(), rampartClients({ inventory: { descriptor: InventoryServiceDescriptor, protoRoot } })] });
 * ```
 */
export function rampartClients<const T extends Readonly<Record<string, ClientTarget>>>(targets: T): RampartPlugin<ClientsConfig<keyof T & string>> {
  const configSchema = [clientsConfigSchema(Object.keys(targets)), transportTlsConfigSchema] as const;
  const channels: MtlsChannel[] = [];
  const clients: object[] = [];
  let tokens: (TokenSource & { close(): Promise<void> }) | undefined;
  const plugin = definePlugin({
    name: 'rampart-clients',
    configSchema,
    register(ctx) {
      const { config, container, logger } = ctx;
      // Every target's settings are checked before anything is made, so a bad one leaves nothing running.
      const jwtSvids = config.get('auth.client.source') === 'workload-api';
      const hasTokens = jwtSvids || config.get('auth.client.issuer') !== '';
      const settings = Object.entries(targets).map(([name, target]) => targetSettings(name, target, config, logger, hasTokens));
      const jwt = jwtSvids ? jwtSvidTokensFrom(config, logger) : undefined;
      tokens = jwt?.tokens ?? tokenClientFrom(config, logger);
      if (tokens) container.bind(TOKEN_CLIENT).toConstantValue(tokens);
      const channelFor = channelFactory(config, logger);
      for (const { name, target, address, expectedServerId, audience, loadBalancingPolicy, retry } of settings) {
        const key = targetKey(name);
        const channel = channelFor(name, expectedServerId);
        channels.push(channel);
        const keepaliveMs = config.get(key('keepaliveMs'));
        const client = createClient(target.descriptor, {
          address,
          protoRoot: target.protoRoot,
          ...(target.protoIncludeDirs ? { protoIncludeDirs: target.protoIncludeDirs } : {}),
          credentials: channel.credentials,
          defaultDeadlineMs: config.get(key('defaultDeadlineMs')),
          loadBalancingPolicy,
          retry,
          channelOptions: {
            'grpc.dns_min_time_between_resolutions_ms': config.get(key('minResolutionIntervalMs')),
            ...(keepaliveMs > 0 ? { 'grpc.keepalive_time_ms': keepaliveMs, 'grpc.keepalive_timeout_ms': 10_000 } : {}),
          },
          ...(audience !== '' && tokens ? { tokens: { source: tokens, audience } } : {}),
        });
        clients.push(client);
        container.bind(clientOf(target.descriptor)).toConstantValue(client);
      }
      ctx.on('onInit', async () => {
        // The first JWT bundles too: a JwtSource that never came up is not retried, so the app must not serve without it.
        await Promise.all([...channels.map((c) => c.ready), jwt?.source]);
      });
      ctx.on('onReload', async () => {
        const reloaded = await Promise.all(channels.map((channel) => channel.reload()));
        const refused = reloaded.some(({ certificate, trustBundles }) => certificate.result === 'refused' || trustBundles.result === 'refused');
        const byTarget = Object.fromEntries(settings.map(({ name }, i) => [name, reloaded[i]]));
        if (refused) logger.error({ targets: byTarget }, 'client TLS files re-read: some refused, the previous ones stay in use');
        else logger.info({ targets: byTarget }, 'client TLS files re-read');
      });
      ctx.on('onClose', async () => {
        for (const client of clients) closeClient(client);
        for (const channel of channels) channel.close();
        await tokens?.close();
      });
    },
  });
  // The schema's target keys are `Object.keys(targets)`: the names of T, which type the plugin's config for the app.
  return plugin as RampartPlugin<ClientsConfig<keyof T & string>>;
}

/** A target's setting keys, `clients.<name>.<setting>`, typed for any name. */
function targetKey(name: string) {
  return <K extends string>(k: K): `clients.${string}.${K}` => `clients.${name}.${k}`;
}

/** One target's checked settings. */
interface TargetSettings {
  readonly name: string;
  readonly target: ClientTarget;
  readonly address: string;
  readonly expectedServerId: string;
  readonly audience: string;
  readonly loadBalancingPolicy: LoadBalancingPolicy;
  readonly retry: RetrySettings;
}

/**
 * Reads and checks a target's settings: an address; an audience only with a token client; and a target that is sent
 * tokens must pin the server's SPIFFE ID, or opt out explicitly (`allowUnpinnedServer`, warned about), because the
 * hostname check alone lets any workload whose certificate names the host (every dev certificate names localhost)
 * receive the tokens.
 */
function targetSettings(name: string, target: ClientTarget, config: ConfigReader<ClientsConfig>, logger: Logger, hasTokens: boolean): TargetSettings {
  const key = targetKey(name);
  const env = (k: string) => `${targetEnvPrefix(name)}${k}`;
  const address = config.get(key('address'));
  if (address === '') {
    throw new RampartError('ERR_CONFIG_INVALID', `${key('address')} is not set. Fix: set it (or ${env('ADDRESS')}) to host:port`);
  }
  const audience = config.get(key('audience'));
  if (audience !== '' && !hasTokens) {
    throw new RampartError(
      'ERR_CONFIG_INVALID',
      `${key('audience')} is set but no token source is: set RAMPART_AUTH_CLIENT_ISSUER, or RAMPART_AUTH_CLIENT_SOURCE=workload-api for JWT-SVIDs`,
    );
  }
  const expectedServerId = config.get(key('expectedServerId'));
  if (audience !== '' && expectedServerId === '') {
    if (!config.get(key('allowUnpinnedServer'))) {
      throw new RampartError(
        'ERR_CONFIG_INVALID',
        `${key('expectedServerId')} is not set, but ${name} is sent tokens (${key('audience')} is ${audience}): without a pinned SPIFFE ID, ` +
          `any server whose certificate names the host would receive them. Fix: set ${key('expectedServerId')} (${env('EXPECTED_SERVER_ID')}) ` +
          `to the SPIFFE ID ${name} presents, or, to rely on the hostname check alone, set ${key('allowUnpinnedServer')}=true`,
      );
    }
    logger.warn(
      { setting: key('allowUnpinnedServer'), target: name, address, audience },
      `tokens for ${name} go to any server at ${address} whose certificate names the host: ${key('expectedServerId')} is not set. Set it to pin ${name}'s SPIFFE ID`,
    );
  }
  const retry: RetrySettings = {
    maxAttempts: config.get(key('retry.maxAttempts')),
    initialBackoffMs: config.get(key('retry.initialBackoffMs')),
    maxBackoffMs: config.get(key('retry.maxBackoffMs')),
    backoffMultiplier: config.get(key('retry.backoffMultiplier')),
    retryableStatusCodes: config.get(key('retry.retryableStatusCodes')),
    methods: config.get(key('retry.methods')),
  };
  const methods = Object.values(target.descriptor.methods).map((m) => ({ name: m.name, idempotencyLevel: undefined }));
  checkRetrySettings(retry, methods, key('retry'));
  const loadBalancingPolicy = config.get(key('loadBalancingPolicy'));
  return { name, target, address, expectedServerId, audience, loadBalancingPolicy, retry };
}

function tokenClientFrom(config: ConfigReader<ClientsConfig>, logger: Logger): TokenClient | undefined {
  const issuer = config.get('auth.client.issuer');
  if (issuer === '') return undefined;
  const clientId = config.get('auth.client.clientId');
  if (clientId === '') {
    throw new RampartError('ERR_CONFIG_INVALID', 'auth.client.issuer is set but auth.client.clientId is not: set RAMPART_AUTH_CLIENT_ID');
  }
  const issuerCa = config.get('auth.client.issuerCaFile');
  const cacheMaxEntries = config.get('auth.client.tokenCacheMaxEntries');
  if (cacheMaxEntries < 1) {
    throw new RampartError(
      'ERR_CONFIG_INVALID',
      'auth.client.tokenCacheMaxEntries is 0: the token client needs room for at least 1 token. Fix: set RAMPART_AUTH_CLIENT_TOKEN_CACHE_MAX_ENTRIES to 1 or more (default 10000)',
    );
  }
  const audienceParameter = config.get('auth.client.audienceParameter');
  const scopes = config.get('auth.client.scopes');
  if (audienceParameter === 'scope' && Object.keys(scopes).length > 0) {
    throw new RampartError(
      'ERR_CONFIG_INVALID',
      'auth.client.scopes is set but auth.client.audienceParameter is scope, which asks for <audience>/.default only (Entra ID grants the roles assigned to the client). Fix: empty RAMPART_AUTH_CLIENT_SCOPES, or set RAMPART_AUTH_CLIENT_AUDIENCE_PARAMETER to resource or audience',
    );
  }
  const issuerCaFile = issuerCa !== '' ? issuerCa : config.get('transport.tls.caFile');
  const tls = workloadTokenAgents(config, logger, issuerCa) ?? {
    certFile: config.get('transport.tls.certFile'),
    keyFile: config.get('transport.tls.keyFile'),
    caFile: issuerCaFile,
  };
  return new TokenClient({
    issuer,
    audienceParameter,
    clientId,
    authentication: clientAuthenticationFrom(config),
    ...('current' in tls ? { tls } : tls),
    scopes,
    cacheMaxEntries,
    logger,
  });
}

function jwtSvidTokensFrom(config: ConfigReader<ClientsConfig>, logger: Logger): { tokens: JwtSvidTokens; source: Promise<unknown> } {
  if (config.get('auth.client.issuer') !== '') {
    throw new RampartError(
      'ERR_CONFIG_INVALID',
      'auth.client.source is workload-api (JWT-SVIDs) but auth.client.issuer is set as well: choose one. Fix: unset RAMPART_AUTH_CLIENT_ISSUER, or set RAMPART_AUTH_CLIENT_SOURCE=issuer',
    );
  }
  const lease = jwtSourceLease(config, logger);
  return { tokens: new JwtSvidTokens(lease), source: lease.source };
}
