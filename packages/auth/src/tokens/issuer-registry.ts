import { resolveClaimMapping, type ClaimMapping } from './claim-mapping.js';
import { isFetchableUrl } from './discovery.js';
import { FileKeySource } from './file-key-source.js';
import { secretSource, staticJwksSource, type KeySource } from './key-source.js';
import { RemoteKeySource, type RemoteKeySettings } from './remote-key-source.js';
import {
  ASYMMETRIC_ALGORITHMS,
  DEFAULT_ASYMMETRIC_ALGORITHMS,
  HMAC_ALGORITHMS,
  type IssuerConfig,
} from './token-types.js';

/**
 * A checked issuer, ready to verify with.
 *
 * @example
 * ```ts
 * const trusted: TrustedIssuer | undefined = registry.get(unverifiedIss);
 * ```
 */
export interface TrustedIssuer {
  readonly issuer: string;
  readonly audience: readonly string[] | undefined;
  readonly algorithms: readonly string[];
  readonly requireTyp: boolean;
  /** Where its tokens hold scopes, roles and the client id. */
  readonly claims: ClaimMapping;
  readonly keys: KeySource;
}

/**
 * What building key sources needs besides the issuer list.
 *
 * @example
 * ```ts
 * const settings: IssuerRegistrySettings = { ...remoteSettings, filePollMs: 1000 };
 * ```
 */
export interface IssuerRegistrySettings extends RemoteKeySettings {
  readonly filePollMs: number;
}

const HMAC_MIN_BYTES: Readonly<Record<string, number>> = { HS256: 32, HS384: 48, HS512: 64 };

/**
 * Checks every issuer and builds its key source. Problems are added to `problems` (the caller throws them as one
 * `ERR_CONFIG_INVALID`, see `buildTrustRegistry`): no issuer when `trustDomains` is 0, duplicates, several or no usable key sources, `none`/HS* for an issuer with public keys, asymmetric algorithms
 * for an HMAC issuer, a secret shorter than its hash, non-HTTPS key URLs (HTTP is allowed on loopback only), and
 * `jwksHosts` that are not bare hosts or that an issuer without discovery lists.
 *
 * @example
 * ```ts
 * const problems: string[] = [];
 * const issuers = buildIssuerRegistry([{ issuer: 'https://issuer.example' }], settings, problems, 0);
 * issuers.get('https://issuer.example')?.algorithms; // ['RS256', 'PS256', 'ES256', 'EdDSA']
 * ```
 */
export function buildIssuerRegistry(
  configs: readonly IssuerConfig[],
  settings: IssuerRegistrySettings,
  problems: string[],
  trustDomains: number,
): ReadonlyMap<string, TrustedIssuer> {
  const registry = new Map<string, TrustedIssuer>();
  if (configs.length === 0 && trustDomains === 0) {
    problems.push('no token issuer is configured: set auth.tokens.issuers or RAMPART_AUTH_ISSUER (or auth.tokens.trustDomains for JWT-SVIDs)');
  }
  for (const config of configs) {
    const before = problems.length;
    const name = typeof config.issuer === 'string' ? config.issuer : '';
    const say = (text: string): void => void problems.push(`issuer ${JSON.stringify(name)}: ${text}`);
    if (name.trim() === '') say('`issuer` must be a non-empty string');
    if (registry.has(name)) say('is configured twice');
    const secret = typeof config.secret === 'string' ? new TextEncoder().encode(config.secret) : config.secret;
    const sources = (['jwksUri', 'jwksFile', 'jwks', 'secret'] as const).filter((k) => config[k] !== undefined);
    if (sources.length > 1) say(`give at most one of jwksUri, jwksFile, jwks, secret (got ${sources.join(', ')})`);
    const algorithms: readonly string[] =
      config.algorithms ?? (secret === undefined ? DEFAULT_ASYMMETRIC_ALGORITHMS : ['HS256']);
    const allowed: readonly string[] = secret === undefined ? ASYMMETRIC_ALGORITHMS : HMAC_ALGORITHMS;
    const wrong = algorithms.filter((alg) => !allowed.includes(alg));
    if (algorithms.length === 0) say('`algorithms` must not be empty');
    if (wrong.length > 0) {
      say(`algorithms ${wrong.join(', ')} are not allowed ${secret === undefined ? 'without a `secret` (asymmetric only)' : 'with a `secret` (HS256/384/512 only)'}`);
    }
    if (secret !== undefined) {
      const need = Math.max(32, ...algorithms.map((alg) => HMAC_MIN_BYTES[alg] ?? 0));
      if (secret.byteLength < need) say(`the HMAC secret must be at least ${need} bytes for ${algorithms.join(', ')}`);
    }
    const url = config.jwksUri ?? (sources.length === 0 ? name : undefined);
    if (url !== undefined && !(URL.canParse(url) && isFetchableUrl(new URL(url)))) {
      say(`${config.jwksUri === undefined ? 'a discovered issuer' : 'jwksUri'} must be an https URL (http only on loopback)`);
    }
    const jwksHosts = hostList(config.jwksHosts, say);
    if (jwksHosts.length > 0 && sources.length > 0) say('`jwksHosts` applies to discovery only: drop it, or drop jwksUri/jwksFile/jwks/secret');
    const audience = config.audience === undefined ? undefined : toList(config.audience);
    if (audience?.length === 0 || audience?.some((aud) => typeof aud !== 'string' || aud === '')) {
      say('`audience` must be a non-empty string or list of non-empty strings');
    }
    if (config.requireTyp !== undefined && typeof config.requireTyp !== 'boolean') say('`requireTyp` must be true or false');
    let claims: ClaimMapping | undefined;
    try {
      claims = resolveClaimMapping(config.claims);
    } catch (error) {
      say(`\`claims\` ${(error as Error).message}`);
    }
    if (problems.length > before || claims === undefined) continue;
    try {
      const keys = keySource(config, jwksHosts, secret, settings);
      registry.set(name, { issuer: name, audience, algorithms, requireTyp: config.requireTyp !== false, claims, keys });
    } catch (error) {
      say(`its keys are unusable: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return registry;
}

function keySource(
  config: IssuerConfig,
  jwksHosts: readonly string[],
  secret: Uint8Array | undefined,
  settings: IssuerRegistrySettings,
): KeySource {
  if (secret !== undefined) return secretSource(secret);
  if (config.jwks !== undefined) return staticJwksSource(config.jwks);
  if (config.jwksFile !== undefined) {
    return new FileKeySource(config.jwksFile, { pollMs: settings.filePollMs, logger: settings.logger, now: settings.now });
  }
  return new RemoteKeySource(config.issuer, { jwksUri: config.jwksUri, jwksHosts }, settings);
}

/**
 * `jwksHosts` checked and lower-cased: each a bare `host` or `host:port` (no scheme, path or credentials).
 *
 * @example
 * ```ts
 * hostList(['Keys.Example:8443'], say); // ['keys.example:8443']
 * ```
 */
export function hostList(hosts: readonly string[] | undefined, say: (text: string) => void): string[] {
  if (hosts === undefined) return [];
  const list: unknown = hosts;
  if (!Array.isArray(list)) {
    say('`jwksHosts` must be a list of host names');
    return [];
  }
  const isHost = (host: unknown): host is string =>
    typeof host === 'string' && URL.canParse(`https://${host}`) && new URL(`https://${host}`).host === host.toLowerCase();
  const wrong = (list as unknown[]).filter((host) => !isHost(host));
  if (wrong.length > 0) say(`\`jwksHosts\` entries must be a host or host:port, e.g. "keys.example" (got ${wrong.map((h) => JSON.stringify(h)).join(', ')})`);
  return (list as unknown[]).filter(isHost).map((host) => host.toLowerCase());
}

/**
 * A string or a list of strings as a list.
 *
 * @example
 * ```ts
 * toList('orders'); // ['orders']
 * ```
 */
export function toList(value: string | readonly string[]): readonly string[] {
  return typeof value === 'string' ? [value] : [...value];
}
