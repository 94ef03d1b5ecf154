import { parseSpiffeId, RampartError } from '@rampart/core';
import { CLAIM_PRESETS } from './claim-mapping.js';
import { isFetchableUrl } from './discovery.js';
import { FileKeySource } from './file-key-source.js';
import { buildIssuerRegistry, hostList, toList, type IssuerRegistrySettings, type TrustedIssuer } from './issuer-registry.js';
import { bundleSourceKeys, jwtAuthorities } from './jwt-bundle.js';
import { JWT_SVID_ALGORITHMS, type JwtBundleSource, type TrustDomainConfig } from './jwt-svid-types.js';
import { staticJwksSource, type KeySource } from './key-source.js';
import { RemoteKeySource } from './remote-key-source.js';
import type { IssuerConfig } from './token-types.js';

/**
 * A trusted trust domain, ready to verify JWT-SVIDs with. As a {@link TrustedIssuer}, its `issuer` is
 * `spiffe://<trust domain>` (what the principal's `issuer` says and `@Authenticated({ issuer })` may name), its
 * claims mapping is the `spire` preset (no scopes or roles; the client id is `sub`) and `typ` is checked by the
 * JWT-SVID rules instead (`JWT` or `JOSE` when present).
 *
 * @example
 * ```ts
 * const domain: TrustedDomain | undefined = domains.get('example.org');
 * domain?.issuer; // 'spiffe://example.org'
 * ```
 */
export interface TrustedDomain extends TrustedIssuer {
  readonly trustDomain: string;
}

/**
 * The checked issuers and trust domains of a verifier.
 *
 * @example
 * ```ts
 * const { issuers, domains } = buildTrustRegistry({ issuers: [{ issuer }], trustDomains: [], jwtBundles: undefined }, settings);
 * ```
 */
export interface TrustRegistry {
  readonly issuers: ReadonlyMap<string, TrustedIssuer>;
  /** By trust domain name. */
  readonly domains: ReadonlyMap<string, TrustedDomain>;
}

/**
 * Builds the issuers ({@link buildIssuerRegistry}) and trust domains ({@link buildTrustDomainRegistry}) of a verifier,
 * or throws every problem of both as one `ERR_CONFIG_INVALID`.
 *
 * @example
 * ```ts
 * const { issuers, domains } = buildTrustRegistry({ issuers: [], trustDomains: [{ trustDomain: 'example.org', bundleFile }], jwtBundles: undefined }, settings);
 * ```
 */
export function buildTrustRegistry(
  trusted: { issuers: readonly IssuerConfig[]; trustDomains: readonly TrustDomainConfig[]; jwtBundles: JwtBundleSource | undefined },
  settings: IssuerRegistrySettings,
): TrustRegistry {
  const problems: string[] = [];
  const issuers = buildIssuerRegistry(trusted.issuers, settings, problems, trusted.trustDomains.length);
  const domains = buildTrustDomainRegistry(trusted.trustDomains, settings, trusted.jwtBundles, [...issuers.keys()], problems);
  if (problems.length > 0) {
    throw new RampartError('ERR_CONFIG_INVALID', `token verification is misconfigured:\n  ${problems.join('\n  ')}`);
  }
  return { issuers, domains };
}

/** The config key trust domains come from, for messages. */
const KEY = 'auth.tokens.trustDomains';
const SOURCES = ['bundleFile', 'bundleUri', 'oidcDiscovery', 'workloadApi', 'bundle'] as const;

/**
 * Checks every trust domain and builds its key source. Problems are added to `problems`: a name that is not a bare
 * trust domain, duplicates, an issuer configured with the name `spiffe://<trust domain>`, not exactly one key source,
 * `workloadApi` without a `jwtBundles` source, non-HTTPS URLs (HTTP on loopback only), `jwksHosts` without
 * `oidcDiscovery`, algorithms outside the JWT-SVID set.
 */
function buildTrustDomainRegistry(
  configs: readonly TrustDomainConfig[],
  settings: IssuerRegistrySettings,
  jwtBundles: JwtBundleSource | undefined,
  issuerNames: readonly string[],
  problems: string[],
): ReadonlyMap<string, TrustedDomain> {
  const registry = new Map<string, TrustedDomain>();
  for (const config of configs) {
    const before = problems.length;
    const name = typeof config.trustDomain === 'string' ? config.trustDomain : '';
    const say = (text: string): void => void problems.push(`${KEY} ${JSON.stringify(name)}: ${text}`);
    const nameProblem = trustDomainProblem(name);
    if (nameProblem !== undefined) say(nameProblem);
    if (registry.has(name)) say('is configured twice');
    if (issuerNames.includes(`spiffe://${name}`)) say(`an issuer is also named "spiffe://${name}": drop that issuer entry`);
    const sources = SOURCES.filter((k) => config[k] !== undefined && config[k] !== false);
    if (sources.length !== 1) {
      say(`give exactly one of bundleFile, bundleUri, oidcDiscovery, workloadApi: true (or bundle, in code)${sources.length > 1 ? ` (got ${sources.join(', ')})` : ''}`);
    }
    if (config.workloadApi !== undefined && typeof config.workloadApi !== 'boolean') say('`workloadApi` must be true or false');
    if (config.workloadApi === true && jwtBundles === undefined) {
      say('workloadApi: true needs a JWT bundle source: pass jwtBundles (a Workload API JwtSource) to rampartAuth() or the TokenVerifier');
    }
    for (const key of ['bundleUri', 'oidcDiscovery'] as const) {
      const url = config[key];
      if (url !== undefined && !(typeof url === 'string' && URL.canParse(url) && isFetchableUrl(new URL(url)))) {
        say(`\`${key}\` must be an https URL (http only on loopback)`);
      }
    }
    const jwksHosts = hostList(config.jwksHosts, say);
    if (config.jwksHosts !== undefined && config.oidcDiscovery === undefined) say('`jwksHosts` applies to oidcDiscovery only: drop it');
    const algorithms: readonly string[] = config.algorithms ?? JWT_SVID_ALGORITHMS;
    const wrong = algorithms.filter((alg) => !(JWT_SVID_ALGORITHMS as readonly string[]).includes(alg));
    if (algorithms.length === 0) say('`algorithms` must not be empty');
    if (wrong.length > 0) say(`algorithms ${wrong.join(', ')} are not JWT-SVID algorithms (allowed: ${JWT_SVID_ALGORITHMS.join(', ')})`);
    const audience = config.audience === undefined ? undefined : toList(config.audience);
    if (audience?.length === 0 || audience?.some((aud) => typeof aud !== 'string' || aud === '')) {
      say('`audience` must be a non-empty string or list of non-empty strings');
    }
    if (problems.length > before) continue;
    try {
      const keys = keySource(config, jwksHosts, settings, jwtBundles);
      const issuer = `spiffe://${name}`;
      registry.set(name, { trustDomain: name, issuer, audience, algorithms, requireTyp: false, claims: CLAIM_PRESETS.spire, keys });
    } catch (error) {
      say(`its keys are unusable: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return registry;
}

/**
 * Why `name` is not a trust domain name (lowercase letters, digits, `.`, `-`, `_`; as in a SPIFFE ID), or undefined.
 *
 * @example
 * ```ts
 * trustDomainProblem('spiffe://example.org'); // 'write the bare trust domain name, without "spiffe://" …'
 * ```
 */
export function trustDomainProblem(name: string): string | undefined {
  if (name.startsWith('spiffe://')) return `write the bare trust domain name, without "spiffe://" (e.g. ${JSON.stringify(name.slice(9).split('/')[0])})`;
  try {
    if (name !== '' && !name.includes('/') && parseSpiffeId(`spiffe://${name}/x`).trustDomain === name) return undefined;
  } catch {
    // reported below
  }
  return '`trustDomain` must be a trust domain name: lowercase letters, digits, ".", "-" and "_", e.g. "example.org"';
}

function keySource(
  config: TrustDomainConfig,
  jwksHosts: readonly string[],
  settings: IssuerRegistrySettings,
  jwtBundles: JwtBundleSource | undefined,
): KeySource {
  const { now, logger } = settings;
  if (config.bundle !== undefined) return staticJwksSource(jwtAuthorities(config.bundle));
  if (config.workloadApi === true) return bundleSourceKeys(jwtBundles as JwtBundleSource, config.trustDomain);
  if (config.bundleFile !== undefined) {
    return new FileKeySource(config.bundleFile, { pollMs: settings.filePollMs, logger, now, toKeySet: jwtAuthorities });
  }
  const remote = { ...settings, toKeySet: jwtAuthorities };
  if (config.bundleUri !== undefined) return new RemoteKeySource(config.bundleUri, { jwksUri: config.bundleUri, jwksHosts: [] }, remote);
  return new RemoteKeySource(config.oidcDiscovery as string, { jwksUri: undefined, jwksHosts }, remote);
}
