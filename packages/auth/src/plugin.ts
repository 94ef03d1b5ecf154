import { defineConfigSchema, definePlugin, RampartError, type ConfigOf, type ConfigReader, type Logger, type RampartPlugin } from '@rampart/core';
import { rootCertificates } from 'node:tls';
import { transportSourceSetting, workloadApiSettings } from '@rampart/pki';
import type { TrustDomainBundles } from '@rampart/pki/internal';
import { leaseJwtSource, workloadCertificateSource, type JwtSourceLease } from '@rampart/spiffe';
import { tokenConfigSchema } from './tokens/token-config-schema.js';
import { tokenVerifierOptionsFromConfig } from './tokens/token-options-from-config.js';
import { TokenVerifier } from './tokens/token-verifier.js';
import type { JwtBundleSource } from './tokens/jwt-svid-types.js';
import type { TokenFetch } from './tokens/token-types.js';
import { DefaultAuthAuditor } from './pipeline/auditor.js';
import { AUTH_INTERCEPTOR, authInterceptor } from './pipeline/auth-interceptor.js';
import { AuthorizationStage } from './pipeline/authorization-stage.js';
import { BindingStage } from './pipeline/binding-stage.js';
import { MtlsStage } from './pipeline/mtls-stage.js';
import { OneTimeUseStage } from './pipeline/one-time-stage.js';
import { PeerIdentityStage } from './pipeline/peer-identity-stage.js';
import { authPipelineConfigSchema } from './pipeline/pipeline-config-schema.js';
import { InMemoryReplayStore } from './pipeline/replay-store.js';
import { AUTH_STAGE } from './pipeline/stage.js';
import { TokenStage } from './pipeline/token-stage.js';
import { AUTH_TOKENS, type AuthPipelineSettings } from './pipeline/tokens.js';
import { fetchTrusting, fetchTrustingCa } from './tokens/fetch-trusting.js';

/** Options of {@link rampartAuth}. */
export interface RampartAuthOptions {
  /** Use this verifier instead of one built from `auth.tokens.*`. */
  readonly verifier?: TokenVerifier;
  /** The fetch the verifier built from config uses for discovery and JWKS (e.g. one trusting a private CA). */
  readonly fetch?: TokenFetch;
  /**
   * Where trust domains configured with `workloadApi: true` (in `auth.tokens.trustDomains`) get their JWT
   * bundles: a Workload API `JwtSource`, or anything with `bundleFor(trustDomain)`.
   */
  readonly jwtBundles?: JwtBundleSource;
}

/** The plugin's name, for other plugins' `dependencies`. */
export const RAMPART_AUTH = 'rampart-auth';

/** `transport.workloadApi.*`: where trust domains with `workloadApi: true` get their JWT bundles (the server declares it too). */
const workloadApiConfigSchema = defineConfigSchema({ transport: { source: transportSourceSetting, workloadApi: workloadApiSettings } });
const configSchema = [tokenConfigSchema, authPipelineConfigSchema, workloadApiConfigSchema] as const;

/** The config the auth plugin reads: `auth.tokens.*` (token verification) and the pipeline's `auth.*` settings. */
export type AuthConfig = ConfigOf<typeof configSchema>;

/**
 * The auth plugin: enforces `@RequireMtls`, `@Authenticated` and `@Authorize` through the pipeline (peer identity →
 * mTLS rule → token → certificate binding → one-time use → authorization, then one audit decision per call). It
 * binds the stages under `AUTH_STAGE` and its services under `AUTH_TOKENS`; a plugin that depends on
 * `rampart-auth` can add, replace (same name) or remove (`AUTH_STAGE_REMOVED`) stages and rebind the services.
 *
 * @example
 * ```ts
 * const app = await createApp({ name: 'inventory', services: [InventoryService], protos, plugins: [rampartAuth()] });
 * ```
 */
export function rampartAuth(options: RampartAuthOptions = {}): RampartPlugin<AuthConfig> {
  return definePlugin({
    name: RAMPART_AUTH,
    configSchema,
    interceptors: [AUTH_INTERCEPTOR],
    register(ctx) {
      const { container, config, logger } = ctx;
      container.bind(AUTH_TOKENS.Container).toConstantValue(container);
      container.bind(AUTH_TOKENS.Settings).toConstantValue({
        streamExpiryGraceMs: config.get('auth.streamExpiryGraceMs'),
      } satisfies AuthPipelineSettings);
      const caFile = config.get('auth.issuerCaFile');
      const fetch = options.fetch ?? (caFile !== '' ? fetchTrusting(caFile) : workloadApiFetch(config, logger, ctx));
      const lease = options.jwtBundles === undefined ? workloadApiBundles(config, logger) : undefined;
      if (lease !== undefined) {
        // The first JWT bundles before serving: a JWT-SVID would otherwise be refused until they arrive.
        ctx.on('onInit', async () => {
          await lease.source;
        });
        ctx.on('onClose', () => lease.close());
      }
      const jwtBundles = options.jwtBundles ?? lease;
      const extras = { logger, ...(fetch ? { fetch } : {}), ...(jwtBundles ? { jwtBundles } : {}) };
      const fromConfig = tokenVerifierOptionsFromConfig(config, extras);
      const configured = (fromConfig.issuers?.length ?? 0) + (fromConfig.trustDomains?.length ?? 0) > 0;
      const verifier = options.verifier ?? (configured ? new TokenVerifier(fromConfig) : undefined);
      if (verifier !== undefined) {
        container.bind(AUTH_TOKENS.TokenVerifier).toConstantValue(verifier);
        // Fetch the issuers' keys as soon as the app serves, so the first call does not wait for discovery and JWKS.
        // Not awaited: an issuer that is down must not hold up serving (calls then retry with backoff). Shutting
        // down stops the wait, so nothing is logged about it after the app stopped.
        const prefetch = new AbortController();
        ctx.on('onReady', () => {
          void verifier.prefetchKeys(prefetch.signal).then((results) => {
            if (prefetch.signal.aborted) return;
            for (const result of results) {
              if (!result.ok) logger.warn({ issuer: result.issuer, reason: result.reason }, 'could not fetch token signing keys yet; will retry on first use');
            }
          });
        });
        ctx.on('onShutdown', () => prefetch.abort());
      }
      if (!container.isBound(AUTH_TOKENS.ReplayStore)) {
        container.bind(AUTH_TOKENS.ReplayStore).toConstantValue(new InMemoryReplayStore(config.get('auth.replay.maxEntries')));
      }
      if (!container.isBound(AUTH_TOKENS.Auditor)) {
        container.bind(AUTH_TOKENS.Auditor).toConstantValue(
          new DefaultAuthAuditor(
            { allow: config.get('auth.audit.allowLevel'), deny: config.get('auth.audit.denyLevel') },
            logger,
          ),
        );
      }
      for (const stage of [PeerIdentityStage, MtlsStage, TokenStage, BindingStage, OneTimeUseStage, AuthorizationStage]) {
        container.bind(AUTH_STAGE).to(stage).inSingletonScope();
      }
      ctx.addInterceptor(authInterceptor(container));
    },
  });
}

/**
 * A share of the process's Workload API JwtSource when a trust domain takes its JWT bundle from it
 * (`workloadApi: true` in `auth.tokens.trustDomains`), at `transport.workloadApi.address` (SPIFFE_ENDPOINT_SOCKET).
 */
function workloadApiBundles(config: ConfigReader<AuthConfig>, logger: Logger): JwtSourceLease | undefined {
  if (!config.get('auth.tokens.trustDomains').some((entry) => entry.workloadApi === true)) return undefined;
  const address = config.get('transport.workloadApi.address');
  if (address === '') {
    throw new RampartError(
      'ERR_CONFIG_INVALID',
      "auth.tokens.trustDomains has an entry with workloadApi: true but transport.workloadApi.address is not set. Fix: set SPIFFE_ENDPOINT_SOCKET to the SPIRE agent's socket (unix:///…)",
    );
  }
  return leaseJwtSource({ address, logger: logger.child({ component: 'workload-api' }) });
}

/**
 * With `transport.source` = `workload-api` and no `auth.issuerCaFile`: discovery and JWKS requests trust the bundle of
 * the workload's own trust domain from the Workload API (an issuer inside the mesh presents an SVID of it) and, as
 * without the Workload API, Node's public roots (a public identity provider).
 */
function workloadApiFetch(config: ConfigReader<AuthConfig>, logger: Logger, ctx: { on(hook: 'onClose', run: () => void): void }): ReturnType<typeof fetchTrustingCa> | undefined {
  if (config.get('transport.source') !== 'workload-api') return undefined;
  const address = config.get('transport.workloadApi.address');
  if (address === '') return undefined; // the server's transport stops start-up naming the setting
  const hint = config.get('transport.workloadApi.svidHint');
  const source = workloadCertificateSource({ address, ...(hint !== '' ? { hint } : {}), logger: logger.child({ component: 'workload-api' }) });
  ctx.on('onClose', () => source.close());
  const publicRoots = rootCertificates.join('\n');
  // One Buffer per bundle set the agent pushed, not one per request.
  let seen: TrustDomainBundles | undefined;
  let ca: Buffer | undefined;
  return fetchTrustingCa(() => {
    const bundles = source.trustBundles();
    if (bundles !== seen) {
      seen = bundles;
      const own = bundles?.pemFor(undefined);
      ca = own === undefined ? undefined : Buffer.from(`${own}${publicRoots}\n`);
    }
    return ca;
  });
}
