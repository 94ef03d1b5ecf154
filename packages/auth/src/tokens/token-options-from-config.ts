import { RampartError, type ConfigReader } from '@rampart/core';
import type { TokenConfig } from './token-config-schema.js';
import type { IssuerConfig, TokenVerifierOptions } from './token-types.js';

/** The names of the `auth.tokens.*` settings. */
type TokenSetting = keyof TokenConfig extends infer K ? (K extends `auth.tokens.${infer N}` ? N : never) : never;

/**
 * Builds {@link TokenVerifierOptions} from the keys of `tokenConfigSchema`. `auth.tokens.issuer` is added to
 * `auth.tokens.issuers` unless listed; the HMAC secret goes to the issuer named by `auth.tokens.hmacIssuer` (added
 * when not listed, refused when that issuer has jwksUri/jwksFile); `auth.tokens.trustDomains` gives the trust
 * domains whose JWT-SVIDs are accepted. `extras` adds what config cannot hold (a Workload API `jwtBundles` source).
 *
 * @example
 * ```ts
 * const verifier = new TokenVerifier(tokenVerifierOptionsFromConfig(config, { logger }));
 * ```
 */
export function tokenVerifierOptionsFromConfig(
  config: ConfigReader<TokenConfig>,
  extras: Pick<TokenVerifierOptions, 'logger' | 'fetch' | 'now' | 'jwtBundles'> = {},
): TokenVerifierOptions {
  const get = <K extends TokenSetting>(key: K): TokenConfig[`auth.tokens.${K}`] => config.get(`auth.tokens.${key}`);
  const issuers: IssuerConfig[] = get('issuers').map((entry) => ({ ...entry }));
  const single = get('issuer');
  if (single !== '' && !issuers.some((entry) => entry.issuer === single)) issuers.push({ issuer: single });
  const secret = get('hmacSecret');
  const hmacIssuer = get('hmacIssuer');
  if ((secret === '') !== (hmacIssuer === '')) {
    throw new RampartError(
      'ERR_CONFIG_INVALID',
      secret === ''
        ? 'auth.tokens.hmacIssuer is set but no secret: set RAMPART_AUTH_HMAC_SECRET or RAMPART_AUTH_HMAC_SECRET_FILE'
        : 'auth.tokens.hmacSecret is set but auth.tokens.hmacIssuer is not: name the issuer the secret belongs to',
    );
  }
  if (secret !== '') {
    const index = issuers.findIndex((entry) => entry.issuer === hmacIssuer);
    const listed = issuers[index];
    if (listed?.jwksUri !== undefined || listed?.jwksFile !== undefined) {
      throw new RampartError(
        'ERR_CONFIG_INVALID',
        `auth.tokens.hmacIssuer ${JSON.stringify(hmacIssuer)} also has jwksUri/jwksFile: an issuer uses either keys or a secret`,
      );
    }
    if (listed === undefined) issuers.push({ issuer: hmacIssuer, secret });
    else issuers[index] = { ...listed, secret };
  }
  const audience = get('audience');
  const trustDomains = get('trustDomains').map((entry) => ({ ...entry }));
  return {
    issuers,
    ...(trustDomains.length === 0 ? {} : { trustDomains }),
    ...(audience === '' ? {} : { audience }),
    clockToleranceSec: get('clockToleranceSec'),
    maxTokenBytes: get('maxTokenBytes'),
    cacheMax: get('cacheMax'),
    jwksTimeoutMs: get('jwksTimeoutMs'),
    discoveryMaxBytes: get('discoveryMaxBytes'),
    jwksMaxBytes: get('jwksMaxBytes'),
    jwksCooldownMs: get('jwksCooldownMs'),
    jwksRefreshMs: get('jwksRefreshMs'),
    retryBackoffMs: get('jwksRetryBackoffMs'),
    jwksFilePollMs: get('jwksFilePollMs'),
    ...extras,
  };
}
